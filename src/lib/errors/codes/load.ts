// The codes of loading a file on /live.
// One part of CODES (../codes.ts); a code's `areas` name every docs/errors.md table it is in.
import type { CodeInfo } from './areas';

export const LOAD_CODES = {
  ERR_LOAD_EMPTY: { areas: ['load'], meaning: 'the file is empty', fix: 'pick a .pcapng, .json or server log file' },
  ERR_LOAD_FORMAT: {
    areas: ['load'],
    meaning: 'neither a capture, a CBC Lab capture nor a server log, or no frames in it',
    fix: 'is this the right file?'
  },
  ERR_LOAD_JSON: {
    areas: ['load'],
    meaning: 'a line of a server log is not a JSON object',
    fix: 'one JSON object per line'
  },
  ERR_LOAD_CAPTURE: {
    areas: ['load'],
    meaning: 'a CBC Lab capture of another version, or without a frames array',
    fix: 'download the capture again'
  }
} as const satisfies Record<`ERR_${string}`, CodeInfo>;
