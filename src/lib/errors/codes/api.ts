// The HTTP API codes.
// One part of CODES (../codes.ts); a code's `areas` name every docs/errors.md table it is in.
import type { CodeInfo } from './areas';

export const API_CODES = {
  ERR_NO_CAPTURE: { areas: ['api'], meaning: 'the web app runs without the demo', fix: 'start it with npm start' },
  ERR_FORBIDDEN_HOST: {
    areas: ['api'],
    meaning: 'a Host other than 127.0.0.1, localhost or [::1]',
    fix: 'open the demo at http://127.0.0.1:…'
  },
  ERR_BAD_PARAM: {
    areas: ['api'],
    meaning: 'a query parameter not an allowed integer, or given twice',
    fix: 'the message names the range'
  },
  ERR_BAD_BODY: {
    areas: ['api'],
    meaning: 'a request body without the fields the endpoint needs',
    fix: 'the message names the field'
  },
  ERR_BAD_CONTENT_TYPE: { areas: ['api'], meaning: 'a POST body that is not application/json', fix: 'send JSON' },
  ERR_BODY_TOO_LARGE: { areas: ['api'], meaning: 'a POST body over 64 KiB', fix: 'send less' },
  ERR_SEND_TIMEOUT: {
    areas: ['api'],
    meaning: 'the chat server did not acknowledge a message within 5 s',
    fix: 'try again'
  },
  ERR_CHAT_CLOSED: {
    areas: ['api'],
    meaning: "the page's chat connection closed before the acknowledgement",
    fix: 'try again'
  },
  ERR_CHAT_UNREACHABLE: {
    areas: ['api'],
    meaning: "the page's chat client cannot reach the tap",
    fix: 'restart the demo'
  },
  ERR_CAPTURE_FILE: {
    areas: ['api'],
    meaning: 'the pcapng cannot be read for download',
    fix: 'the message names the file'
  },
  ERR_NO_PCAPNG: { areas: ['api'], meaning: 'the capture writes no pcapng', fix: 'use /api/capture.json' },
  ERR_PORT_IN_USE: {
    areas: ['api'],
    meaning: 'npm start: a port it needs is taken',
    fix: 'choose another port with the flag named'
  },
  ERR_NO_HELLO: {
    areas: ['api'],
    meaning: 'no hello of that suite captured yet to replay',
    fix: 'send a message in that suite first'
  },
  ERR_ORACLE_TIMEOUT: {
    areas: ['api'],
    meaning: 'the chat server did not answer an oracle query within 5 s',
    fix: 'try again'
  },
  ERR_ORACLE_FAILED: {
    areas: ['api'],
    meaning: 'the oracle session was refused or closed',
    fix: 'try again; is the demo still running?'
  },
  ERR_REPLAY_FAILED: { areas: ['api'], meaning: 'the tap refused the replay connection', fix: 'restart the demo' },
  ERR_SPOOL: { areas: ['api'], meaning: 'the capture spool could not be read back', fix: 'the message names the file' },
  ERR_NOT_FOUND: { areas: ['api'], meaning: 'no endpoint at that path', fix: 'the message lists the endpoints' },
  ERR_METHOD_NOT_ALLOWED: {
    areas: ['api'],
    meaning: 'a method the endpoint does not take',
    fix: 'use one of the methods allowed'
  },
  ERR_BAD_REQUEST: {
    areas: ['api'],
    meaning: 'a request SvelteKit refused before any endpoint',
    fix: 'the message says what'
  },
  ERR_INTERNAL: {
    areas: ['crypto', 'api', 'protocol'],
    meaning: 'a bug: an exception that carries no code of ours',
    fix: 'report it; only that request, field or connection is affected'
  }
} as const satisfies Record<`ERR_${string}`, CodeInfo>;
