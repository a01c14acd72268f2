// Lesson 2 against the running demo (docs/api.md "Lessons"): who answers, the victim's message
// sent and found again in the capture, someone else's latest line, and one oracle question per
// guess. The taking apart is ./targets.ts.
import { bytesToBase64, base64ToBytes } from '$lib/crypto';
import { ApiError, getJson, getJsonOrNull, postJson } from '$lib/api/client';
import {
  MAX_SEQ,
  type FramesPage,
  type OracleBatchRequest,
  type OracleBatchResponse,
  type OracleRequest,
  type OracleResponse,
  type OracleStatus,
  type SendRequest,
  type SendResponse
} from '$lib/api/types';
import type { Suite } from './local-server';
import { lineTarget, scanLines, splitFrame, victimFrame, type LineScan, type Target } from './targets';

/** Who answers the attack: the live server with or without --padding-oracle, or the local stand-in. */
export type OracleMode = 'checking' | 'live' | 'live-safe' | 'local';

export async function findOracle(): Promise<OracleMode> {
  try {
    const d = await getJsonOrNull<OracleStatus>('/api/oracle');
    return d === null ? 'local' : d.paddingOracle ? 'live' : 'live-safe';
  } catch {
    return 'local';
  }
}

const POLL_MS = 100;
const POLL_TRIES = 60;

// an error answer throws ApiError, whose message (the route's, without its code) the page shows
const send = (body: SendRequest) => postJson<SendRequest, SendResponse>('/api/send', body);

/** Send the secret as the victim in `suite`, then poll the capture until its frame shows up. */
export async function captureVictim(secret: string, suite: Suite): Promise<Target> {
  const before = await getJson<FramesPage>(`/api/frames?after=${MAX_SEQ}`);
  await send({ text: secret, name: 'victim', suite });
  for (let i = 0; i < POLL_TRIES; i++) {
    const page = await getJson<FramesPage>(`/api/frames?after=${before.last}&limit=1000`);
    const f = victimFrame(page.frames, suite);
    if (f)
      return {
        suite,
        ...splitFrame(suite, base64ToBytes(f.bytes)),
        source: `captured frame #${f.seq} (victim → server, ${suite})`
      };
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  throw new Error('the victim message did not show up in the capture within 6 s');
}

/** Someone else's message: the latest line a client sent (alice, the line bot), as captured. */
export async function captureLatestLine(secret: string): Promise<Target> {
  let after = 0;
  let scan: LineScan = { last: null, cbcHello: false };
  for (;;) {
    const page = await getJson<FramesPage>(`/api/frames?after=${after}&limit=10000`);
    scan = scanLines(scan, page.frames);
    if (!page.more || page.frames.length === 0) break;
    after = page.frames[page.frames.length - 1].seq;
  }
  if (!scan.last)
    throw new Error(
      'no line from another client on the wire yet: are the bots running? Send the victim message instead'
    );
  // The attacker's questions travel in a native cbc session, opened by replaying a captured cbc
  // hello. With no cbc client on the wire yet, the victim says hello (and their message) first.
  if (!scan.cbcHello) await send({ text: secret || 'hello', name: 'victim', suite: 'cbc' });
  return lineTarget(scan.last);
}

/** One question to the live server per guess: does X ‖ Cᵢ have good padding? */
export function liveOracle(suite: Suite, tag: Uint8Array | undefined) {
  return async (iv: Uint8Array, c: Uint8Array): Promise<{ valid: boolean; answer: string }> => {
    const body: OracleRequest = {
      iv: bytesToBase64(iv),
      ciphertext: bytesToBase64(c),
      suite,
      ...(tag ? { tag: bytesToBase64(tag) } : {})
    };
    try {
      const d = await postJson<OracleRequest, OracleResponse>('/api/oracle', body);
      return { valid: d.valid, answer: d.answer };
    } catch (err) {
      if (err instanceof ApiError) throw new Error(`${err.code}: ${err.message}`);
      throw err;
    }
  };
}

/** How many guesses the page sends per request to the live server (POST /api/oracle/batch). */
export const LIVE_BATCH = 16;

/** Several questions in one request: the server gets one frame per guess, and answers each in order. */
export function liveOracleBatch(suite: Suite, tag: Uint8Array | undefined) {
  return async (ivs: Uint8Array[], c: Uint8Array): Promise<{ valid: boolean; answer: string }[]> => {
    const all = new Uint8Array(ivs.length * 16);
    ivs.forEach((x, i) => all.set(x, i * 16));
    const body: OracleBatchRequest = {
      ivs: bytesToBase64(all),
      ciphertext: bytesToBase64(c),
      suite,
      ...(tag ? { tag: bytesToBase64(tag) } : {})
    };
    let d: OracleBatchResponse;
    try {
      d = await postJson<OracleBatchRequest, OracleBatchResponse>('/api/oracle/batch', body);
    } catch (err) {
      if (err instanceof ApiError) throw new Error(`${err.code}: ${err.message}`);
      throw err;
    }
    if (d.answers.length !== ivs.length)
      throw new Error(`ERR_ORACLE_FAILED: asked ${ivs.length} guesses, the server answered ${d.answers.length}`);
    return d.answers;
  };
}
