// The bodies of the POST routes (docs/api.md), declared once: the routes validate with them and
// the fields they accept are their keys.
import { SEND_SUITES, type SendSuite } from './types';
import { base64Bytes, oneOf, optional, required, text, type Schema } from './schema';
import { isClientNameFault, NAME_MAX, nameFault } from '../protocol/name';

/** A POST body: its schema, and how messages list its fields and show an example. */
export interface BodySpec<S extends Schema> {
  schema: S;
  fieldsText?: string;
  example?: string;
}

/** UTF-8 bytes of text: well under the server's relay limit (64 KiB payload less the "name: " prefix). */
export const MAX_TEXT_BYTES = 4096;
/** JSON may carry "\ud800" escapes that UTF-8 cannot encode */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const utf8Length = (s: string) => new TextEncoder().encode(s).length;

/**
 * The hello name rule (docs/protocol.md §3.2, protocol/name.ts), the part a client refuses before
 * sending: the web sender is a client of the chat server, which refuses the rest itself.
 */
function nameMessage(name: string): string | null {
  const fault = nameFault(name);
  if (!isClientNameFault(fault)) return null;
  switch (fault) {
    case 'length':
      return `name: expected 1 to ${NAME_MAX} characters, got ${name.length}`;
    case 'spaces':
      return 'name: expected no spaces at either end';
    default: // 'c0-or-colon', the last of the client's faults
      return 'name: expected no control characters and no ":"';
  }
}

/** POST /api/send {text, name?, suite?} */
export const SEND_BODY = {
  fieldsText: 'text, name and suite',
  example: '{"text":"hello"}',
  schema: {
    text: required(
      text(
        (s) => (s.trim() === '' ? 'text: expected a message, got an empty one' : null),
        (s) => {
          const n = utf8Length(s);
          return n > MAX_TEXT_BYTES
            ? `text: expected at most ${MAX_TEXT_BYTES} bytes of UTF-8, got ${n}; send it in parts`
            : null;
        },
        (s) => (LONE_SURROGATE.test(s) ? 'text: expected well-formed Unicode, got a lone surrogate' : null)
      )
    ),
    name: optional(text(nameMessage), 'web'),
    suite: optional(oneOf(SEND_SUITES), 'cbc' as SendSuite)
  }
} satisfies BodySpec<Schema>;

/** docs/protocol.md §3: the tag each sealed suite carries (HMAC-SHA256, GCM) */
const TAG_LENGTH: Record<SendSuite, number> = { cbc: 0, 'cbc-hmac': 32, gcm: 16 };

/** POST /api/oracle {iv, ciphertext, suite?, tag?}: the suite first, since the tag's length depends on it */
export const ORACLE_BODY = {
  fieldsText: 'iv, ciphertext, suite, tag',
  schema: {
    suite: optional(oneOf(SEND_SUITES), 'cbc' as SendSuite),
    iv: required(base64Bytes({ exact: 16 })),
    ciphertext: required(base64Bytes({ min: 16, max: 4096, blocks: true })),
    tag: optional(base64Bytes({ exact: (earlier) => TAG_LENGTH[earlier.suite as SendSuite] }))
  }
} satisfies BodySpec<Schema>;

/** POST /api/oracle/batch {ivs, ciphertext, suite?, tag?}: up to 256 guesses X, one ciphertext */
export const ORACLE_BATCH_BODY = {
  fieldsText: 'ivs, ciphertext, suite, tag',
  schema: {
    suite: optional(oneOf(SEND_SUITES), 'cbc' as SendSuite),
    ivs: required(base64Bytes({ min: 16, max: 16 * 256, blocks: true })),
    ciphertext: required(base64Bytes({ min: 16, max: 4096, blocks: true })),
    tag: optional(base64Bytes({ exact: (earlier) => TAG_LENGTH[earlier.suite as SendSuite] }))
  }
} satisfies BodySpec<Schema>;

/** POST /api/replay {wire}: IV ‖ C, at least one block after the IV */
export const REPLAY_BODY = {
  schema: { wire: required(base64Bytes({ min: 32, max: 8192, blocks: true })) }
} satisfies BodySpec<Schema>;
