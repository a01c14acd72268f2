// The facts measured for each cause: data only, one variant per pattern the diagnoser tells apart.
// Block positions are 0-based indices (BlockLook.index); lengths are in bytes.
import type { Encoding } from '../bytes';
import type { CryptoError } from '../errors';
import type { Cause } from './causes';
import type { Reading } from './reading';
import type { FieldName } from './search';

/** The ciphertext's length read in the encoding it was meant in, and as claimed. */
export interface MeantLength {
  encoding: Encoding;
  claimed: Encoding;
  /** null when it does not decode as claimed */
  claimedLength: number | null;
  why: 'fix' | 'alphabet';
}

/** How the fields read as typed, when they did not decrypt cleanly. */
export type AsTyped =
  | {
      kind: 'unread';
      /** the fields that did not decode, or have a length AES-CBC cannot use */
      errors: { field: FieldName; error: CryptoError }[];
      /** the ciphertext's length when it decoded but is not whole 16-byte blocks */
      notWholeBlocks: number | null;
    }
  | { kind: 'read'; reading: Reading; cleanButUnexpected: boolean };

export type Facts =
  // any cause, when the input decrypts cleanly as typed
  | { kind: 'not-needed' }
  // ok
  | { kind: 'decrypts'; reading: Reading }
  | { kind: 'binary'; asTyped: AsTyped }
  | { kind: 'does-not-decrypt'; asTyped: AsTyped }
  // key-encoding, iv-encoding, ciphertext-encoding
  | {
      kind: 'other-encoding';
      field: FieldName;
      claimed: Encoding;
      found: Encoding;
      /** why the field did not read as claimed, if it did not */
      claimedError: CryptoError | null;
      claimedLength: number;
      foundLength: number;
      reading: Reading;
      /** the other causes the same fix changes */
      alongWith: Cause[];
    }
  /** the text only uses another encoding's characters, but no reading in it decrypts */
  | {
      kind: 'alphabet-of';
      field: FieldName;
      claimed: Encoding;
      found: Encoding;
      claimedLength: number;
      foundLength: number;
    }
  | {
      kind: 'no-other-encoding';
      field: FieldName;
      claimed: Encoding;
      claimedError: CryptoError | null;
      claimedLength: number;
      /** the field's length under each other encoding it decodes in */
      alternatives: { encoding: Encoding; length: number }[];
    }
  // iv-not-stripped
  | {
      kind: 'iv-on-front';
      /** the reading with IV = ciphertext[0:16] and ciphertext[16:] */
      reading: Reading;
      /** told apart from a wrong IV: by the expected plaintext, the typed IV on the front, or an empty IV field */
      sure: boolean;
      typedIvOnFront: boolean;
      alongWith: Cause[];
    }
  | { kind: 'no-iv-on-front'; ctLength: number; tooShort: boolean }
  // length, judged on the ciphertext as meant (asMeant: read in another encoding than claimed)
  | { kind: 'extra-bytes'; ctLength: number; extra: number; reading: Reading; asMeant: MeantLength | null }
  | {
      kind: 'cut-short';
      ctLength: number;
      asMeant: MeantLength | null;
      /** bytes past the last whole block */
      extra: number;
      /** the whole blocks decrypted with the typed key and IV, when those are usable */
      whole: Reading | null;
      keyAndIvLookRight: boolean;
    }
  | { kind: 'whole-blocks'; ctLength: number; asMeant: MeantLength | null }
  | { kind: 'length-unread'; claimed: Encoding }
  // wrong-iv
  | { kind: 'first-block-off'; reading: Reading; recoveredIv: Uint8Array | null; explainedBy: Cause[] }
  | { kind: 'one-block'; reading: Reading }
  | { kind: 'first-block-reads'; reading: Reading }
  | { kind: 'more-than-first-block'; reading: Reading }
  // bad-padding
  | { kind: 'not-pkcs7'; reading: Reading; lastBlock: Uint8Array; lastByte: 'zero' | 'text' | 'other' }
  | { kind: 'padding-symptom'; reading: Reading }
  | { kind: 'padding-valid'; reading: Reading }
  // wrong-key
  | { kind: 'all-garbage'; reading: Reading; explainedBy: Cause[] }
  | { kind: 'some-garbage'; reading: Reading }
  | { kind: 'some-text'; reading: Reading }
  // wrong-iv, bad-padding, wrong-key, when the fields do not decrypt as typed
  | { kind: 'cannot-judge' }
  // wrong-iv, bad-padding, wrong-key, when another cause's fix decrypts cleanly without changing them
  | { kind: 'fixed-without'; by: Cause; reading: Reading };
