// The outcomes shown in the browser.
// One part of CODES (../codes.ts); a code's `areas` name every docs/errors.md table it is in.
import type { CodeInfo } from './areas';

export const BROWSER_CODES = {
  ERR_UNDECODABLE: {
    areas: ['browser'],
    meaning: "a captured frame's header does not decode",
    fix: 'the message says which field'
  },
  ERR_CLEAR: {
    areas: ['browser'],
    meaning: 'lesson: a frame sent in the clear where an encrypted one is needed',
    fix: 'pick an encrypted chat frame'
  },
  ERR_NOT_CBC: {
    areas: ['browser'],
    meaning: 'lesson: a gcm frame where a CBC one is needed',
    fix: 'pick a cbc or line frame'
  },
  ERR_NO_DEMO: {
    areas: ['browser'],
    meaning: 'a page asked /api and no CBC Lab demo answered (the static site, or a host that is not the demo)',
    fix: 'run npm start and open its address'
  }
} as const satisfies Record<`ERR_${string}`, CodeInfo>;
