// Lesson 1's summary lives in src/lib/lessons/bit-flipping (counted, then worded); the page imports it from here.
export { record, summarize, where, type FlipRecord } from '$lib/lessons/bit-flipping';
