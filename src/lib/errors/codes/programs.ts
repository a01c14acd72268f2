// What the programs (server, client, tap) report that is not a frame.
// One part of CODES (../codes.ts); a code's `areas` name every docs/errors.md table it is in.
import type { CodeInfo } from './areas';

export const PROGRAM_CODES = {
  ERR_LISTEN: {
    areas: ['programs'],
    meaning: 'a server or the tap cannot bind its port',
    fix: 'pick another --port or --host'
  },
  ERR_CONNECT: {
    areas: ['programs'],
    meaning: 'cbc-lab client cannot connect',
    fix: 'is cbc-lab server running there?'
  },
  ERR_NO_REPLY: {
    areas: ['programs'],
    meaning: 'cbc-lab client --message got no reply in time',
    fix: 'check the server'
  },
  ERR_SOCKET: {
    areas: ['programs'],
    meaning: 'the tap saw a socket error that carried no code of its own',
    fix: 'the message has the system text'
  },
  ERR_UNKNOWN: {
    areas: ['programs'],
    meaning: 'the peer sent an error frame without a code (not JSON, or no "code")',
    fix: 'the message shows what the peer sent'
  }
} as const satisfies Record<`ERR_${string}`, CodeInfo>;
