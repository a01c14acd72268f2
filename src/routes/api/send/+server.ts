// POST /api/send {text, name?, suite?}: chat as a participant. The demo holds a chat client per
// name and suite that connects through the tap, so the message is on the wire and in the capture
// like anyone else's (docs/api.md).
import { json } from '@sveltejs/kit';
import { SEND_SUITES, apiError, demoOrResponse, type SendSuite } from '$lib/server/demo';
import { readJsonBody } from '$lib/server/json-body';
import type { RequestHandler } from './$types';

/** UTF-8 bytes of text: well under the server's relay limit (64 KiB payload less the "name: " prefix). */
const MAX_TEXT_BYTES = 4096;
/** docs/protocol.md §8.1: a name is 1..32 characters, no spaces at either end, no control characters, no ":" */
const NAME_MAX = 32;
/** JSON may carry "\ud800" escapes that UTF-8 cannot encode */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function bad(message: string): Response {
  return apiError(400, 'ERR_BAD_BODY', message);
}

export const POST: RequestHandler = async ({ request }) => {
  const demo = demoOrResponse(request);
  if (demo instanceof Response) return demo;
  const b = await readJsonBody(request, { fields: ['text', 'name', 'suite'], fieldsText: 'text, name and suite', example: '{"text":"hello"}' });
  if (b instanceof Response) return b;

  if (typeof b.text !== 'string') return bad(`text: expected a string, got ${b.text === undefined ? 'nothing' : typeof b.text}`);
  if (b.text.trim() === '') return bad('text: expected a message, got an empty one');
  const textBytes = Buffer.byteLength(b.text);
  if (textBytes > MAX_TEXT_BYTES) return bad(`text: expected at most ${MAX_TEXT_BYTES} bytes of UTF-8, got ${textBytes}; send it in parts`);
  if (LONE_SURROGATE.test(b.text)) return bad('text: expected well-formed Unicode, got a lone surrogate');

  let name = 'web';
  if (b.name !== undefined) {
    if (typeof b.name !== 'string') return bad(`name: expected a string, got ${typeof b.name}`);
    name = b.name;
    if (name.length === 0 || name.length > NAME_MAX) return bad(`name: expected 1 to ${NAME_MAX} characters, got ${name.length}`);
    if (name !== name.trim()) return bad('name: expected no spaces at either end');
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f:]/.test(name)) return bad('name: expected no control characters and no ":"');
  }

  let suite: SendSuite = 'cbc';
  if (b.suite !== undefined) {
    if (typeof b.suite !== 'string' || !SEND_SUITES.includes(b.suite as SendSuite)) return bad(`suite: expected one of ${SEND_SUITES.join(', ')}, got ${JSON.stringify(b.suite)}`);
    suite = b.suite as SendSuite;
  }

  const result = await demo.send({ text: b.text, name, suite });
  if ('ok' in result) return json({ ok: true }, { headers: { 'cache-control': 'no-store' } });
  return apiError(result.status, result.code, result.message);
};
