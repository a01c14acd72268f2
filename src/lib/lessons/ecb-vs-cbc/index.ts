// Lesson 4 (ECB vs CBC, in a picture): its summary, counted (findings.ts) and then worded (prose.ts).
import { ecbPictureFacts, type PictureRun } from './findings';
import { ecbPictureSummary, type EcbPictureSummary } from './prose';

export { ecbPictureFacts, type EcbPictureFacts, type PictureRun } from './findings';
export { ecbPictureSummary, pct, type EcbPictureSummary } from './prose';

export const summarize = (r: PictureRun): EcbPictureSummary => ecbPictureSummary(ecbPictureFacts(r));
