// Lesson 5's state: two messages under one key, one fixed IV or a fresh IV each, and every pair
// the learner has sent. The page's experiment and its summary read the same object.
import {
  bytesToHex,
  checkKey,
  CryptoError,
  encryptTrace,
  hexToBytes,
  utf8ToBytes,
  type EncryptTrace
} from '$lib/crypto';
import { equalLeadingBlocks, findIvReuse, type IvFrame, type IvReuseReport } from '$lib/crypto/iv-reuse';
import { IV_LESSON_DEFAULTS } from '$lib/lessons/iv-reuse';

export const FIXED_IV = IV_LESSON_DEFAULTS.fixedIv;

export interface IvOutcome {
  mode: 'reused' | 'fresh';
  a: EncryptTrace;
  b: EncryptTrace;
  /** equal leading plaintext bytes */
  commonBytes: number;
  /** equal leading ciphertext blocks */
  sharedBlocks: number;
  /** the detector over A, B and every frame sent before */
  report: IvReuseReport;
  /** the detector over A and B alone: what the rows mark */
  pair: IvReuseReport;
  sent: number;
}

const rnd = () => bytesToHex(crypto.getRandomValues(new Uint8Array(16)));

export class IvLesson {
  // the defaults open on the leak: a common start of two blocks under the reused IV
  keyText = $state<string>(IV_LESSON_DEFAULTS.key);
  msgA = $state<string>(IV_LESSON_DEFAULTS.msgA);
  msgB = $state<string>(IV_LESSON_DEFAULTS.msgB);
  mode = $state<'reused' | 'fresh'>(IV_LESSON_DEFAULTS.mode);
  // Fresh IVs come from the browser's CSPRNG when the learner asks; these two only make the
  // first server render deterministic.
  freshA = $state('5f1d8c27a0e94b3b6e02c4d9f7a81e63');
  freshB = $state('c2a7094be13f5d86907e2b4ac5d1f038');
  sent = $state.raw<IvFrame[]>([]);

  key = $derived.by(() => {
    try {
      const k = hexToBytes(this.keyText, 'key');
      checkKey(k);
      return { bytes: k, error: undefined };
    } catch (e) {
      return { bytes: null, error: e instanceof CryptoError ? e : undefined };
    }
  });

  outcome = $derived.by((): IvOutcome | null => {
    if (!this.key.bytes) return null;
    const ivA = hexToBytes(this.mode === 'reused' ? FIXED_IV : this.freshA);
    const ivB = hexToBytes(this.mode === 'reused' ? FIXED_IV : this.freshB);
    const pa = utf8ToBytes(this.msgA);
    const pb = utf8ToBytes(this.msgB);
    const a = encryptTrace({ key: this.key.bytes, iv: ivA, plaintext: pa });
    const b = encryptTrace({ key: this.key.bytes, iv: ivB, plaintext: pb });
    let common = 0;
    while (common < pa.length && common < pb.length && pa[common] === pb[common]) common++;
    const frames: IvFrame[] = [
      { id: 'A', iv: ivA, ciphertext: a.ciphertext },
      { id: 'B', iv: ivB, ciphertext: b.ciphertext },
      ...this.sent
    ];
    return {
      mode: this.mode,
      a,
      b,
      commonBytes: common,
      sharedBlocks: equalLeadingBlocks(a.ciphertext, b.ciphertext),
      report: findIvReuse(frames),
      pair: findIvReuse(frames.slice(0, 2)),
      sent: this.sent.length
    };
  });

  // The last outcome the fields gave; it is not state, only remembered by `shown` below.
  #lastGood: IvOutcome | null = null;

  /** What the page shows: the outcome, or while the key does not read, the last valid one (stale). */
  shown = $derived.by((): IvOutcome | null => {
    const o = this.outcome;
    if (o) this.#lastGood = o;
    return o ?? this.#lastGood;
  });

  /** the key does not read, and the rows and summary are the last valid key's */
  stale = $derived(this.outcome === null && this.shown !== null);

  setMode(m: 'reused' | 'fresh') {
    this.mode = m;
    if (m === 'fresh') [this.freshA, this.freshB] = [rnd(), rnd()];
  }

  randomKey() {
    this.keyText = rnd();
  }

  /** Put A and B "on the wire": the detector keeps checking them against what comes next. */
  send() {
    const o = this.outcome; // never the stale one: it is not what the fields say
    if (!o) return;
    const n = this.sent.length / 2 + 1;
    this.sent = [
      ...this.sent,
      { id: `#${n}A`, iv: o.a.iv, ciphertext: o.a.ciphertext },
      { id: `#${n}B`, iv: o.b.iv, ciphertext: o.b.ciphertext }
    ];
    if (this.mode === 'fresh') [this.freshA, this.freshB] = [rnd(), rnd()];
  }

  forget() {
    this.sent = [];
  }

  /** block indices of frame `id` (A or B) whose ciphertext block also occurs in the other one */
  sameIn(id: string): Set<number> {
    return new Set(
      this.shown?.pair.repeatedBlocks.flatMap((r) => r.at.filter((p) => p.id === id).map((p) => p.block)) ?? []
    );
  }

  ivShared(id: string): boolean {
    return !!this.shown?.pair.reusedIvs.some((r) => r.frames.includes(id));
  }
}
