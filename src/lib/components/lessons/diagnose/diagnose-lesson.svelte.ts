// Lesson 6's state: the three fields as typed (with their claimed encodings), an optional
// expected plaintext, the good example the "plant a mistake" helper starts from, and the diagnosis.
import { bytesToBase64, bytesToHex, concatBytes, type Encoding } from '$lib/crypto';
import {
  diagnose,
  plantFault,
  FAULTS,
  type Diagnosis,
  type Fault,
  type GoodExample,
  type PlantedFault,
  type Reading
} from '$lib/lessons/diagnose';

const SAMPLES = [
  'Hello Client, message received securely',
  'Meet me at the north gate at dawn; bring the map.',
  'role=user; name=ada; theme=dark; lang=en-GB',
  'The quick brown fox jumps over the lazy dog ☕'
];

export class DiagnoseLesson {
  keyText = $state('');
  keyEnc = $state<Encoding>('hex');
  ivText = $state('');
  ivEnc = $state<Encoding>('hex');
  ctText = $state('');
  ctEnc = $state<Encoding>('base64');
  expected = $state('');
  useExpected = $state(true);
  good = $state.raw<GoodExample>({
    key: Uint8Array.from([
      0x60, 0x3d, 0xeb, 0x10, 0x15, 0xca, 0x71, 0xbe, 0x2b, 0x73, 0xae, 0xf0, 0x85, 0x7d, 0x77, 0x81
    ]),
    iv: Uint8Array.from({ length: 16 }, (_, i) => 0xf0 + i),
    plaintext: SAMPLES[0]
  });
  /** the fault the learner planted last, until they edit a field by hand */
  planted = $state<Fault | null>(null);
  edited = $state(false);

  constructor() {
    this.plant('wrong-iv');
  }

  diagnosis = $derived.by((): Diagnosis =>
    diagnose({
      key: { text: this.keyText, encoding: this.keyEnc },
      iv: { text: this.ivText, encoding: this.ivEnc },
      ciphertext: { text: this.ctText, encoding: this.ctEnc },
      expected: this.useExpected && this.expected !== '' ? this.expected : undefined
    })
  );

  plant(fault: Fault) {
    const input = plantFault(this.good, fault);
    this.keyText = input.key.text;
    this.keyEnc = input.key.encoding;
    this.ivText = input.iv.text;
    this.ivEnc = input.iv.encoding;
    this.ctText = input.ciphertext.text;
    this.ctEnc = input.ciphertext.encoding;
    this.expected = input.expected ?? '';
    this.planted = fault;
    this.edited = false;
  }

  newExample() {
    const rnd = (n: number) => crypto.getRandomValues(new Uint8Array(n));
    const others = SAMPLES.filter((s) => s !== this.good.plaintext);
    this.good = { key: rnd(16), iv: rnd(16), plaintext: others[Math.floor(Math.random() * others.length)] };
    this.plant(this.planted ?? 'none');
  }

  touched() {
    this.edited = true;
  }

  /** The fault the fields hold, while the learner has not edited them since planting it. */
  plantedFault(): PlantedFault | null {
    const f = this.edited ? undefined : FAULTS.find((x) => x.fault === this.planted);
    return f ? { label: f.label, cause: f.cause, plaintext: this.good.plaintext } : null;
  }
}

/** A /learn link that steps through this reading's decryption. */
export function learnLink(r: Reading, padding: 'none' | 'pkcs7' = 'pkcs7'): string {
  const p = new URLSearchParams({
    mode: 'decrypt',
    key: bytesToHex(r.key),
    wire: bytesToBase64(concatBytes(r.iv, r.ciphertext))
  });
  if (padding === 'none') p.set('padding', 'none');
  return `/learn?${p}`;
}
