// pcapng blocks as we write them (draft-ietf-opsawg-pcapng §3.1 block structure, §3.5 options,
// §4.1 SHB, §4.2 IDB, §4.3 EPB), all little-endian. One block writer, `writeBlock`, lays out
// type, lengths and options of every block. The TCP encoder (./writer.ts) calls the EPB's,
// `writeEnhancedPacket`, in place: it writes a whole call's packets into one buffer.
//
// Timestamps come in as arguments (the core reads no clock): a `bigint` is nanoseconds since
// 1970-01-01 UTC, a `number` is microseconds since 1970-01-01 UTC. We write if_tsresol = 9
// (nanoseconds) so both fit without loss.

import { PcapArgumentError } from './errors';
import { LINKTYPE_ETHERNET } from './link';

/** pcapng block types (draft-ietf-opsawg-pcapng §11.1). */
export const BLOCK_SHB = 0x0a0d0d0a;
export const BLOCK_IDB = 0x00000001;
export const BLOCK_SPB = 0x00000003;
export const BLOCK_EPB = 0x00000006;
export const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

/** Option codes (§3.5, §4.1, §4.2). */
export const OPT_ENDOFOPT = 0;
export const OPT_COMMENT = 1;
export const SHB_USERAPPL = 4;
export const IF_NAME = 2;
export const IF_TSRESOL = 9;
export const IF_TSOFFSET = 14;

const SNAPLEN = 262144;
/** Offset of the packet data in an EPB: type, length, interface id, timestamp (2 words), two lengths. */
export const EPB_DATA = 28;

export type PcapTimestamp = bigint | number;

/** Nanoseconds since the epoch from a `bigint` (ns) or a `number` (µs). */
export function timestampToNs(ts: PcapTimestamp): bigint {
  if (typeof ts === 'bigint') {
    if (ts < 0n || ts >= 1n << 64n) throw new PcapArgumentError(`timestamp: expected 0 ≤ ns < 2^64, got ${ts}`);
    return ts;
  }
  if (!Number.isFinite(ts) || ts < 0) {
    throw new PcapArgumentError(`timestamp: expected microseconds since 1970 as a finite number ≥ 0, got ${ts}`);
  }
  return BigInt(Math.round(ts)) * 1000n;
}

/** Round up to 32 bits. Arithmetic, not `& ~3`: lengths read from a file may exceed 2^31. */
export function pad4(n: number): number {
  return n + ((4 - (n % 4)) % 4);
}

export interface RawOption {
  code: number;
  value: Uint8Array;
}

const utf8 = new TextEncoder();

export function textOption(code: number, text: string): RawOption {
  let value = utf8.encode(text);
  // An option length is 16 bits; keep comments readable rather than fail the capture.
  if (value.length > 0xfff0) value = utf8.encode(text.slice(0, 0x3ff0));
  return { code, value };
}

/** Options area (§3.5): code, length, value padded to 32 bits; ends with opt_endofopt. */
function optionsLength(options: readonly RawOption[]): number {
  if (options.length === 0) return 0;
  let n = 4;
  for (const option of options) n += 4 + pad4(option.value.length);
  return n;
}

function writeOptions(view: DataView, bytes: Uint8Array, at: number, options: readonly RawOption[]): void {
  if (options.length === 0) return;
  for (const option of options) {
    view.setUint16(at, option.code, true);
    view.setUint16(at + 2, option.value.length, true);
    bytes.set(option.value, at + 4);
    at += 4 + pad4(option.value.length);
  }
  view.setUint16(at, OPT_ENDOFOPT, true);
  view.setUint16(at + 2, 0, true);
}

/** Total length of a block: type, length, body padded to 32 bits, options, length again (§3.1). */
export function blockLength(bodyLength: number, options: readonly RawOption[]): number {
  return 8 + pad4(bodyLength) + optionsLength(options) + 4;
}

/**
 * The one block writer: type, both total lengths and the options, at `at` of a zero-filled
 * buffer. The body (`bodyLength` bytes from at + 8) is the caller's to fill. Returns the length.
 */
export function writeBlock(
  view: DataView,
  bytes: Uint8Array,
  at: number,
  type: number,
  bodyLength: number,
  options: readonly RawOption[]
): number {
  const total = blockLength(bodyLength, options);
  view.setUint32(at, type, true);
  view.setUint32(at + 4, total, true);
  writeOptions(view, bytes, at + 8 + pad4(bodyLength), options);
  view.setUint32(at + total - 4, total, true);
  return total;
}

function block(
  type: number,
  bodyLength: number,
  options: readonly RawOption[],
  fill: (view: DataView, bytes: Uint8Array) => void
): Uint8Array {
  const bytes = new Uint8Array(blockLength(bodyLength, options));
  const view = new DataView(bytes.buffer);
  writeBlock(view, bytes, 0, type, bodyLength, options);
  fill(view, bytes);
  return bytes;
}

/** Section Header Block (§4.1): byte-order magic, version 1.0, section length unknown (-1). */
export function encodeSectionHeader(opts: { userAppl?: string } = {}): Uint8Array {
  const options = opts.userAppl ? [textOption(SHB_USERAPPL, opts.userAppl)] : [];
  return block(BLOCK_SHB, 16, options, (view) => {
    view.setUint32(8, BYTE_ORDER_MAGIC, true);
    view.setUint16(12, 1, true);
    view.setUint16(14, 0, true);
    view.setBigInt64(16, -1n, true);
  });
}

/** Interface Description Block (§4.2): LINKTYPE_ETHERNET, if_tsresol = 9 (10^-9 s). */
export function encodeInterfaceDescription(opts: { name?: string; snapLen?: number } = {}): Uint8Array {
  const options: RawOption[] = [];
  if (opts.name) options.push(textOption(IF_NAME, opts.name));
  options.push({ code: IF_TSRESOL, value: Uint8Array.of(9) });
  return block(BLOCK_IDB, 8, options, (view) => {
    view.setUint16(8, LINKTYPE_ETHERNET, true);
    view.setUint16(10, 0, true);
    view.setUint32(12, opts.snapLen ?? SNAPLEN, true);
  });
}

export interface EnhancedPacketFields {
  interfaceId?: number;
  /** Nanoseconds since the epoch, already checked by timestampToNs (the IDB says if_tsresol = 9). */
  timestampNs: bigint;
  /** Bytes of packet data; we never cut a frame, so it is also the original length. */
  capturedLength: number;
}

/** Length of an EPB holding `capturedLength` bytes of packet data and these options. */
export function enhancedPacketLength(capturedLength: number, options: readonly RawOption[]): number {
  return blockLength(EPB_DATA - 8 + capturedLength, options);
}

/**
 * Enhanced Packet Block (§4.3) at `at` of a zero-filled buffer: interface, 64-bit timestamp,
 * captured and original length, options. The packet data (from at + EPB_DATA) is the caller's.
 */
export function writeEnhancedPacket(
  view: DataView,
  bytes: Uint8Array,
  at: number,
  fields: EnhancedPacketFields,
  options: readonly RawOption[]
): number {
  const length = writeBlock(view, bytes, at, BLOCK_EPB, EPB_DATA - 8 + fields.capturedLength, options);
  view.setUint32(at + 8, fields.interfaceId ?? 0, true);
  view.setUint32(at + 12, Number(fields.timestampNs >> 32n), true);
  view.setUint32(at + 16, Number(fields.timestampNs & 0xffffffffn), true);
  view.setUint32(at + 20, fields.capturedLength, true);
  view.setUint32(at + 24, fields.capturedLength, true);
  return length;
}

/** One Enhanced Packet Block on interface 0 (or `interfaceId`), timestamp in ns units. */
export function encodeEnhancedPacket(
  packetData: Uint8Array,
  timestamp: PcapTimestamp,
  opts: { comment?: string; interfaceId?: number } = {}
): Uint8Array {
  const timestampNs = timestampToNs(timestamp);
  const options = opts.comment ? [textOption(OPT_COMMENT, opts.comment)] : [];
  const bytes = new Uint8Array(enhancedPacketLength(packetData.length, options));
  const fields = { interfaceId: opts.interfaceId, timestampNs, capturedLength: packetData.length };
  writeEnhancedPacket(new DataView(bytes.buffer), bytes, 0, fields, options);
  bytes.set(packetData, EPB_DATA);
  return bytes;
}
