// Lesson 1, "What just happened", in words: each sentence states one number of FlipLessonFacts.
// Blocks are named as SP 800-38A §6.2 names them, C₁…Cₙ and P₁…Pₙ with C₀ = IV.
import type { BitPosition } from '../../crypto/bit-flip';
import { sub } from '../words';
import { lessonRef } from '../index';
import { plural } from '../words';
import type { FlipLessonFacts, FlipTally, Forged, ReplayFacts, ReplayedFlip } from './findings';

export const where = (p: BitPosition): string =>
  `${p.block < 0 ? 'the IV' : `C${sub(p.block + 1)}`}, byte ${p.byte}, bit ${p.bit}`;

function flipSentences(t: FlipTally): string[] {
  const out = [
    `You flipped ${t.flips} ${plural(t.flips, 'bit')} (${t.ivFlips} in the IV, ${t.flips - t.ivFlips} in ciphertext blocks).`
  ];
  const c = t.ciphertext;
  if (c) {
    out.push(
      `Each ciphertext flip garbled its own plaintext block: on average ${c.meanGarbledBits.toFixed(1)} of its 128 bits changed (AES spreads one input bit over about half the block).`
    );
    out.push(
      `${c.exactNext} of ${c.count} ${plural(c.count, 'flip')} also flipped exactly the same bit in the next block, and nothing else${c.inLastBlock ? `; ${c.inLastBlock} hit the last block, which has no next block` : ''}.`
    );
    out.push(
      c.ecbOwnBlockOnly
        ? 'Under ECB the same flips garbled only their own block and never reached the next: ECB has no chain to carry a precise change.'
        : 'Under ECB the damage stayed in the flipped block.'
    );
  }
  if (t.ivFlips)
    out.push(
      `Your ${t.ivFlips} IV ${plural(t.ivFlips, 'flip')} changed exactly one bit of P₁ and garbled nothing: the IV is only a XOR mask.`
    );
  if (t.brokePadding)
    out.push(
      `${t.brokePadding} ${plural(t.brokePadding, 'flip')} broke the PKCS#7 padding: a receiver that says so out loud is a padding oracle (${lessonRef('padding-oracle').short}).`
    );
  return out;
}

function forgedSentence(f: Forged): string {
  const what =
    f.garbled === null
      ? 'the IV (nothing garbled)'
      : `C${sub(f.garbled + 1)}, at the cost of a garbage block ${f.garbled + 1} (P${sub(f.garbled + 1)})`;
  return `You forged role=admin by editing ${f.bytes} ${plural(f.bytes, 'byte')} of ${what}, without the key: CBC alone does not protect integrity.`;
}

/**
 * What the chat server does with a replayed line, and so which flips get through (docs/protocol.md
 * §5.4, §6.4; SP 800-38A §6.2: Pᵢ = AES⁻¹(Cᵢ) ⊕ Cᵢ₋₁).
 */
export const REPLAY_RULES = [
  'The server decrypts the line, checks its PKCS#7 padding and reads it as UTF-8 text. A message that passes both is acknowledged and relayed to the room; anything else gets ERROR ERR_DECRYPT (ERR_BAD_PADDING or ERR_BAD_UTF8 from a server run with --padding-oracle), and the line is not relayed.',
  'So a flip in the IV, which changes only that bit of P₁, gets through unless it makes that byte invalid UTF-8 (bit 0 of an ASCII character does; bit 2 changes a letter’s case) or hits the padding of a one-block message. A flip in Cᵢ garbles all of Pᵢ, which passes only if the 16 garbled bytes still decode as UTF-8 text (seldom), and flips the same bit of Pᵢ₊₁.'
];

const P = (block: number) => `P${sub(block + 1)}`;
const atByte = (k: number) => `byte ${k % 16} of ${P(Math.floor(k / 16))}`;

/** what each refusal code says (§6.4: the default server answers ERR_DECRYPT for both) */
function refusal(code: string, message: string): string {
  switch (code) {
    case 'ERR_DECRYPT':
      return 'it could not decrypt your edit into a message (bad padding or text that is not UTF-8: it does not say which)';
    case 'ERR_BAD_PADDING':
      return 'the padding of your edit was broken';
    case 'ERR_BAD_UTF8':
      return 'the padding held, but your edit is not UTF-8 text';
    default:
      return `it refused the line (${message})`;
  }
}

function answerSentence(r: ReplayFacts, name: (p: BitPosition) => string): string {
  const relay = r.relayed === null ? '' : ` and relayed "${r.relayed}" to the room`;
  const reply = r.reply;
  if (!r.flip) {
    const head = 'You replayed the captured frame unchanged;';
    switch (reply.kind) {
      case 'ack':
        return `${head} the server answered "${reply.text}"${relay}: a replay it cannot detect either.`;
      case 'error':
        return `${head} the server answered ERROR ${reply.code}${r.relayed === null ? ' and did not relay your line' : relay}: ${refusal(reply.code, reply.message)}.`;
      case 'unreadable':
        return `${head} the server's reply did not decrypt with this key (${reply.code}).`;
      case 'none':
        return `${head} no reply came from the server.`;
    }
  }
  const head = `You replayed the captured frame with ${name(r.flip.position)} flipped.`;
  switch (reply.kind) {
    case 'ack':
      return `${head} The server answered "${reply.text}"${relay}: it took your edit for a message and could not tell it had been changed.`;
    case 'error':
      return `${head} The server answered ERROR ${reply.code}${r.relayed === null ? ' and did not relay your line to the room' : relay}: ${refusal(reply.code, reply.message)}.`;
    case 'unreadable':
      return `${head} The server's reply did not decrypt with this key (${reply.code}), so what it said cannot be shown.`;
    case 'none':
      return `${head} No reply came from the server.`;
  }
}

/** Why the server answered as it did: what the flip did to the plaintext, decrypted here with the key. */
function whySentence(f: ReplayedFlip, accepted: boolean, code: string): string {
  const { byte, bit } = f.position;
  const here = !f.paddingOk
    ? 'decrypted here with the key, the padding broke'
    : f.badUtf8At !== null
      ? `decrypted here with the key, ${atByte(f.badUtf8At)} is no longer UTF-8 text`
      : null;
  if (f.garbled === null) {
    const base = `A flip in the IV changes only bit ${bit} of byte ${byte} of P₁ and garbles nothing`;
    if (accepted) return `${base}, so the padding and the text stayed valid: nothing in CBC tells such an edit apart.`;
    return here
      ? `${base}; ${here}, so the server refused it. Any other bit of an ASCII character (bit 2 changes a letter’s case) keeps the text valid and gets through.`
      : `${base}; decrypted here with the key, the edit has valid padding and is UTF-8 text, so its ERROR ${code} has another cause than the flip.`;
  }
  const c = `C${sub(f.garbled + 1)}`;
  const base = `A flip in ${c} garbles all 16 bytes of ${P(f.garbled)}${f.oneBit !== null ? ` and flips the same bit of ${P(f.oneBit)}` : ', the last block, and its padding with it'}`;
  if (accepted)
    return `${base}; the server took it because the garbled ${P(f.garbled)} still decoded as UTF-8 text and the padding held, which 16 scrambled bytes seldom do.`;
  return here
    ? `${base}; ${here}, so the server refused it. A ciphertext flip gets through only when the garbled block happens to be valid text; a flip in the IV changes one bit of P₁ and garbles nothing.`
    : `${base}; decrypted here with the key, the edit has valid padding and is UTF-8 text, so its ERROR ${code} has another cause than the flip.`;
}

/** The summary's lines for one replay: what the server answered (and relayed), then why. */
export function replaySentences(r: ReplayFacts, name: (p: BitPosition) => string = where): string[] {
  const out = [answerSentence(r, name)];
  if (r.flip && (r.reply.kind === 'ack' || r.reply.kind === 'error'))
    out.push(whySentence(r.flip, r.reply.kind === 'ack', r.reply.kind === 'error' ? r.reply.code : ''));
  return out;
}

export function flipLessonSummary(facts: FlipLessonFacts): string[] {
  if (!facts.flips && !facts.forged && facts.replays.length === 0)
    return ['Nothing yet: flip a bit above, and this summary will describe what your flips did.'];
  return [
    ...(facts.flips ? flipSentences(facts.flips) : []),
    ...(facts.forged ? [forgedSentence(facts.forged)] : []),
    ...facts.replays.flatMap((r) => replaySentences(r))
  ];
}
