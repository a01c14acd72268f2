// Lesson 2's summary lives in src/lib/lessons/padding-oracle (counted, then worded); the page imports it from here.
export { summarize } from '$lib/lessons/padding-oracle';
