// Classic pcap (draft-ietf-opsawg-pcap §4 file header, §5 records) → its IPv4 TCP packets. The
// magic was read by readCapture (./reader.ts); every malformed input throws a PcapError.
import { need, Reader, type Progress } from './byte-reader';
import { PcapFormatError, PcapUnsupportedError } from './errors';
import { decodeLinkLayer, type PcapPacket } from './link';
import type { PcapFile } from './reader';

/** The whole file; `le` and `nanos` are what its magic said (draft-ietf-opsawg-pcap §4). */
export function readPcap(input: Uint8Array, le: boolean, nanos: boolean, progress: Progress): PcapFile {
  need('pcap file header', 0, 24, input.length);
  const r = new Reader(input, le);
  const major = r.u16(4);
  if (major !== 2) {
    throw new PcapUnsupportedError(`pcap file header at offset 4: expected version 2.x, got ${major}.${r.u16(6)}`, {
      offset: 4,
      expected: 2,
      actual: major
    });
  }
  const snapLen = r.u32(16);
  progress.goodEnd = 24;
  const linkType = r.u32(20) & 0x0fffffff; // upper bits carry FCS info (draft-ietf-opsawg-pcap §4)
  const maxLen = Math.max(snapLen, 262144);
  const packets: PcapPacket[] = [];
  let skipped = 0;
  let index = 0;
  for (let at = 24; at < input.length; index++) {
    need('pcap record header', at, 16, input.length);
    const sec = r.u32(at);
    const frac = r.u32(at + 4);
    const capLen = r.u32(at + 8);
    if (capLen > maxLen) {
      throw new PcapFormatError(
        `pcap record at offset ${at}: captured length ${capLen} exceeds the snapshot length ${maxLen}`,
        {
          offset: at + 8,
          expected: `≤ ${maxLen}`,
          actual: capLen
        }
      );
    }
    need('pcap packet data', at + 16, capLen, input.length);
    const timestamp = BigInt(sec) * 1_000_000_000n + BigInt(frac) * (nanos ? 1n : 1000n);
    const p = decodeLinkLayer(linkType, input.subarray(at + 16, at + 16 + capLen), {
      index,
      timestamp,
      littleEndian: r.le
    });
    if (p) packets.push(p);
    else skipped++;
    at += 16 + capLen;
    progress.goodEnd = at;
  }
  return { format: 'pcap', packets, skipped };
}
