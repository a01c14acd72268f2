// The lessons under /lessons. A lesson is listed here only once its page exists; the home page,
// the nav and the /lessons index read this list.
export interface Lesson {
  slug: string;
  title: string;
  /** one sentence: what the learner does and sees */
  blurb: string;
}

export const LESSONS: Lesson[] = [];
