// Which decrypted bytes look like text: the diagnoser's one measure of "this block decrypted".
// A block under the right key and IV is the learner's message (text, as a rule); under a wrong one
// it is AES output, where a byte is text with p ≈ 0.38.

/** Per byte: printable ASCII, \t \n \r, or part of a valid UTF-8 sequence for a character ≥ U+00A0. */
export function textMask(b: Uint8Array): Uint8Array {
  const mask = new Uint8Array(b.length);
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    if (c < 0x80) {
      mask[i] = (c >= 0x20 && c < 0x7f) || c === 9 || c === 10 || c === 13 ? 1 : 0;
      i++;
      continue;
    }
    let need = 0;
    let min = 0;
    if (c >= 0xc2 && c <= 0xdf) [need, min] = [1, 0xa0];
    else if (c >= 0xe0 && c <= 0xef) [need, min] = [2, 0x800];
    else if (c >= 0xf0 && c <= 0xf4) [need, min] = [3, 0x10000];
    let ok = need > 0 && i + need < b.length;
    let cp = c & (0x3f >> need);
    for (let k = 1; ok && k <= need; k++) {
      const x = b[i + k];
      if (x === undefined || (x & 0xc0) !== 0x80) ok = false;
      else cp = (cp << 6) | (x & 0x3f);
    }
    if (ok && cp >= min && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff)) {
      mask.fill(1, i, i + need + 1);
      i += need + 1;
    } else i++;
  }
  return mask;
}

/** Bytes [from, to) as text, with · for each byte the mask rejects and a space for \t \n \r. */
export function textPreview(b: Uint8Array, mask: Uint8Array, from: number, to: number): string {
  let s = '';
  let i = from;
  const dec = new TextDecoder();
  while (i < to) {
    if (!mask[i]) {
      s += '·';
      i++;
      continue;
    }
    let j = i;
    while (j < to && mask[j]) j++;
    s += dec.decode(b.subarray(i, j)).replace(/[\t\n\r]/g, ' ');
    i = j;
  }
  return s;
}
