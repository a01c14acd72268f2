// What the pcapng and classic pcap readers share: a byte-order-aware view of the file, how far the
// read has come, and the check that a field lies within the file (ERR_PCAP_TRUNCATED otherwise).
import { PcapTruncatedError } from './errors';

/** End of the last whole block/record read so far (where a truncated file can be cut back to). */
export interface Progress {
  goodEnd: number;
}

/** A capture file read in one byte order (a pcapng section's, or the pcap file header's). */
export class Reader {
  readonly view: DataView;
  constructor(
    readonly bytes: Uint8Array,
    public le: boolean
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  u16(at: number): number {
    return this.view.getUint16(at, this.le);
  }
  u32(at: number): number {
    return this.view.getUint32(at, this.le);
  }
}

/** Throws ERR_PCAP_TRUNCATED unless `n` bytes from `at` are within the file. */
export function need(what: string, at: number, n: number, total: number): void {
  if (at + n > total) throw new PcapTruncatedError(what, at, n, Math.max(0, total - at));
}
