// /live talks to the running demo from the browser only (EventSource, the key box): no SSR.
export const ssr = false;
