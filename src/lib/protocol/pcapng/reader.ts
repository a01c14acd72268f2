// A capture file → its IPv4 TCP packets, for a browser page reading an uploaded file: pcapng
// (draft-ietf-opsawg-pcapng §3.1 blocks, §3.5 options, §4.1 SHB, §4.2 IDB, §4.3 EPB, §4.4 SPB)
// in either byte order, and classic pcap (read by ./pcap-classic.ts once the magic says so).
// Every malformed input throws a PcapError naming the field and its byte offset, nothing else.

import {
  BLOCK_EPB,
  BLOCK_IDB,
  BLOCK_SHB,
  BLOCK_SPB,
  BYTE_ORDER_MAGIC,
  IF_TSOFFSET,
  IF_TSRESOL,
  OPT_COMMENT,
  OPT_ENDOFOPT,
  pad4
} from './blocks';
import { bytesToHex } from '../../crypto/bytes';
import { PcapFormatError, PcapTruncatedError, PcapUnsupportedError } from './errors';
import { need, Reader, type Progress } from './byte-reader';
import { decodeLinkLayer, type PcapPacket } from './link';
import { readPcap } from './pcap-classic';

export interface PcapFile {
  format: 'pcapng' | 'pcap';
  /** IPv4 TCP packets, in file order. */
  packets: PcapPacket[];
  /** Packets that were not IPv4/TCP (or whose link type we do not read), skipped. */
  skipped: number;
  /**
   * With `allowTruncated`: the offset where the file ends inside a block or record (a capture
   * still being written, or a crash); everything before it was read.
   */
  truncatedAt?: number;
}

export interface PcapReadOptions {
  /** Read a file that ends inside a block or record up to its last whole one, instead of throwing ERR_PCAP_TRUNCATED. */
  allowTruncated?: boolean;
}

const MAGIC_PCAPNG = [0x0a, 0x0d, 0x0d, 0x0a];
/** Classic pcap magics as the file's first bytes: µs and ns resolution, each in both byte orders. */
const MAGIC_PCAP = [
  [0xd4, 0xc3, 0xb2, 0xa1],
  [0xa1, 0xb2, 0xc3, 0xd4],
  [0x4d, 0x3c, 0xb2, 0xa1],
  [0xa1, 0xb2, 0x3c, 0x4d]
];

/** Read a pcapng or classic pcap file. Throws only PcapError. */
export function readCapture(input: Uint8Array, opts: PcapReadOptions = {}): PcapFile {
  const progress: Progress = { goodEnd: 0 };
  try {
    return readAny(input, progress);
  } catch (e) {
    if (!(opts.allowTruncated && e instanceof PcapTruncatedError)) throw e;
    // Cut back to the last whole block and read again: that prefix is a complete file.
    const whole = progress.goodEnd > 0 ? readAny(input.subarray(0, progress.goodEnd), { goodEnd: 0 }) : undefined;
    const format = input[0] === 0x0a ? 'pcapng' : 'pcap';
    return {
      format: whole?.format ?? format,
      packets: whole?.packets ?? [],
      skipped: whole?.skipped ?? 0,
      truncatedAt: progress.goodEnd
    };
  }
}

function readAny(input: Uint8Array, progress: Progress): PcapFile {
  if (input.length < 4) {
    if (input.length > 0 && [MAGIC_PCAPNG, ...MAGIC_PCAP].some((m) => input.every((b, i) => b === m[i]))) {
      throw new PcapTruncatedError('file header', 0, 4, input.length);
    }
    throw notACapture(input);
  }
  const [b0, b1, b2, b3] = input;
  if (b0 === 0x0a && b1 === 0x0d && b2 === 0x0d && b3 === 0x0a) return readPcapng(input, progress);
  const magic = ((b0 << 24) | (b1 << 16) | (b2 << 8) | b3) >>> 0;
  if (magic === 0xa1b2c3d4 || magic === 0xa1b23c4d) return readPcap(input, false, magic === 0xa1b23c4d, progress);
  if (magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1) return readPcap(input, true, magic === 0x4d3cb2a1, progress);
  throw notACapture(input);
}

function notACapture(input: Uint8Array): PcapFormatError {
  const head = bytesToHex(input.subarray(0, 4), ' ');
  return new PcapFormatError(
    `file header at offset 0: expected a pcapng Section Header Block (0a 0d 0d 0a) or a pcap magic ` +
      `(a1 b2 c3 d4), got ${head || 'an empty file'}; is this a capture file?`,
    { offset: 0, expected: 'pcapng or pcap', actual: head || 'empty' }
  );
}

// ---------------------------------------------------------------------------------------------
// pcapng

/** A block or record smaller than its fixed part. */
function tooShort(what: string, at: number, minimum: number, length: number): PcapFormatError {
  return new PcapFormatError(`${what} at offset ${at}: expected at least ${minimum} bytes, got ${length}`, {
    offset: at + 4,
    expected: `≥ ${minimum}`,
    actual: length
  });
}

interface Interface {
  linkType: number;
  /** Timestamp units → ns as (multiplier, divisor), from if_tsresol (§4.2; default 10^-6 s). */
  tsMul: bigint;
  tsDiv: bigint;
  /** if_tsoffset, in ns. */
  tsOffsetNs: bigint;
}

/** One section's reading state: its byte order and the interfaces its IDBs described. */
interface Section {
  reader: Reader;
  interfaces: Interface[];
}

/** What a block's reader sees: where the block is and where its body and options end. */
interface BlockRef {
  at: number;
  length: number;
  body: number;
  end: number;
}

function readPcapng(input: Uint8Array, progress: Progress): PcapFile {
  const packets: PcapPacket[] = [];
  let skipped = 0;
  let index = 0;
  let section: Section | undefined;

  for (let at = 0; at < input.length;) {
    need('block header', at, 8, input.length);
    // The SHB's type reads the same in both byte orders; its byte-order magic then says which one
    // this section, the SHB itself included, is written in.
    let r = section?.reader ?? new Reader(input, true);
    const type = r.u32(at);
    if (type === BLOCK_SHB) r = new Reader(input, byteOrder(input, at));
    const current = type === BLOCK_SHB ? undefined : (section ?? noSectionYet(at));
    const block = blockRef(r, type, at, input.length);

    if (!current) {
      section = readSectionHeader(r, block);
    } else if (type === BLOCK_IDB) {
      current.interfaces.push(readInterfaceDescription(r, block));
    } else if (type === BLOCK_EPB || type === BLOCK_SPB) {
      const packet =
        type === BLOCK_EPB ? readEnhancedPacket(current, block, index) : readSimplePacket(current, block, index);
      if (packet) packets.push(packet);
      else skipped++;
      index++;
    }
    // Other block types (name resolution, statistics, custom …) carry nothing we show.
    at += block.length;
    // A cut-back file must still start with its SHB and IDB to be readable.
    if ((section?.interfaces.length ?? 0) > 0 || packets.length > 0) progress.goodEnd = at;
  }
  return { format: 'pcapng', packets, skipped };
}

function noSectionYet(at: number): never {
  throw new PcapFormatError(`block at offset ${at}: expected a Section Header Block first`, { offset: at });
}

/** §4.1: the SHB's byte-order magic decides how this section (this block included) is read. */
function byteOrder(input: Uint8Array, at: number): boolean {
  need('section header block', at, 12, input.length);
  const bom = new DataView(input.buffer, input.byteOffset + at + 8, 4);
  if (bom.getUint32(0, true) === BYTE_ORDER_MAGIC) return true;
  if (bom.getUint32(0, false) === BYTE_ORDER_MAGIC) return false;
  const got = bom.getUint32(0, false).toString(16);
  throw new PcapFormatError(
    `section header block at offset ${at + 8}: expected the byte-order magic 1a2b3c4d in either byte order, got ${got.padStart(8, '0')}`,
    { offset: at + 8, expected: '1a2b3c4d', actual: got }
  );
}

/** §3.1: a total length that is a multiple of 4, the whole block present, the same length at its end. */
function blockRef(r: Reader, type: number, at: number, fileLength: number): BlockRef {
  const length = r.u32(at + 4);
  if (length < 12 || length % 4 !== 0) {
    throw new PcapFormatError(
      `block at offset ${at}: expected a total length that is a multiple of 4 and at least 12, got ${length}`,
      {
        offset: at + 4,
        expected: 'a multiple of 4, ≥ 12',
        actual: length
      }
    );
  }
  need(`block of type 0x${type.toString(16)}`, at, length, fileLength);
  const trailer = r.u32(at + length - 4);
  if (trailer !== length) {
    throw new PcapFormatError(
      `block at offset ${at}: the trailing total length (${trailer}) differs from the leading one (${length})`,
      {
        offset: at + length - 4,
        expected: length,
        actual: trailer
      }
    );
  }
  return { at, length, body: at + 8, end: at + length - 4 };
}

function readSectionHeader(r: Reader, { at, length, body, end }: BlockRef): Section {
  if (length < 28) throw tooShort('section header block', at, 28, length);
  const major = r.u16(body + 4);
  if (major !== 1) {
    throw new PcapUnsupportedError(
      `section header block at offset ${body + 4}: expected pcapng version 1.x, got ${major}.${r.u16(body + 6)}`,
      {
        offset: body + 4,
        expected: 1,
        actual: major
      }
    );
  }
  readOptions(r, body + 16, end, 'section header block');
  return { reader: r, interfaces: [] };
}

function readInterfaceDescription(r: Reader, { at, length, body, end }: BlockRef): Interface {
  if (length < 20) throw tooShort('interface description block', at, 20, length);
  const iface: Interface = { linkType: r.u16(body), tsMul: 1000n, tsDiv: 1n, tsOffsetNs: 0n };
  for (const option of readOptions(r, body + 8, end, 'interface description block')) {
    if (option.code === IF_TSRESOL && option.length >= 1) {
      const v = r.bytes[option.at];
      const exp = v & 0x7f;
      if (v & 0x80) {
        // 2^-exp seconds per unit.
        iface.tsMul = 1_000_000_000n;
        iface.tsDiv = 1n << BigInt(exp);
      } else if (exp <= 9) {
        iface.tsMul = 10n ** BigInt(9 - exp);
        iface.tsDiv = 1n;
      } else {
        iface.tsMul = 1n;
        iface.tsDiv = 10n ** BigInt(exp - 9);
      }
    } else if (option.code === IF_TSOFFSET && option.length >= 8) {
      // Whole seconds added to every timestamp of the interface.
      iface.tsOffsetNs = r.view.getBigInt64(option.at, r.le) * 1_000_000_000n;
    }
  }
  return iface;
}

const utf8 = new TextDecoder('utf-8');

function readEnhancedPacket(
  { reader: r, interfaces }: Section,
  { at, length, body, end }: BlockRef,
  index: number
): PcapPacket | undefined {
  if (length < 32) throw tooShort('enhanced packet block', at, 32, length);
  const ifId = r.u32(body);
  const iface = interfaces[ifId];
  if (!iface) {
    throw new PcapFormatError(
      `enhanced packet block at offset ${at}: interface ${ifId} has no Interface Description Block (${interfaces.length} defined in this section)`,
      { offset: body, expected: `< ${interfaces.length}`, actual: ifId }
    );
  }
  const units = (BigInt(r.u32(body + 4)) << 32n) | BigInt(r.u32(body + 8));
  const capLen = r.u32(body + 12);
  const data = body + 20;
  if (data + pad4(capLen) > end) {
    throw new PcapFormatError(
      `enhanced packet block at offset ${at}: captured length ${capLen} does not fit in the block (${end - data} bytes)`,
      {
        offset: body + 12,
        expected: `≤ ${end - data}`,
        actual: capLen
      }
    );
  }
  const comments: string[] = [];
  for (const option of readOptions(r, data + pad4(capLen), end, 'enhanced packet block')) {
    if (option.code === OPT_COMMENT) comments.push(utf8.decode(r.bytes.subarray(option.at, option.at + option.length)));
  }
  const timestamp = (units * iface.tsMul) / iface.tsDiv + iface.tsOffsetNs;
  const comment = comments.length ? comments.join('\n') : undefined;
  return decodeLinkLayer(iface.linkType, r.bytes.subarray(data, data + capLen), {
    index,
    timestamp,
    littleEndian: r.le,
    comment
  });
}

/** §4.4: no interface id (always the first interface), no timestamp; captured length = min(original, what fits). */
function readSimplePacket(
  { reader: r, interfaces }: Section,
  { at, length, body, end }: BlockRef,
  index: number
): PcapPacket | undefined {
  if (length < 16) throw tooShort('simple packet block', at, 16, length);
  const iface = interfaces[0];
  if (!iface) {
    throw new PcapFormatError(`simple packet block at offset ${at}: no Interface Description Block precedes it`, {
      offset: at
    });
  }
  const origLen = r.u32(body);
  const capLen = Math.min(origLen, end - (body + 4));
  return decodeLinkLayer(iface.linkType, r.bytes.subarray(body + 4, body + 4 + capLen), {
    index,
    timestamp: 0n,
    littleEndian: r.le
  });
}

interface OptionRef {
  code: number;
  length: number;
  /** Offset of the option's value in the file. */
  at: number;
}

/** §3.5: options up to opt_endofopt or the end of the block, each within the block. */
function readOptions(r: Reader, at: number, end: number, what: string): OptionRef[] {
  const out: OptionRef[] = [];
  while (at + 4 <= end) {
    const code = r.u16(at);
    const length = r.u16(at + 2);
    if (code === OPT_ENDOFOPT) break;
    if (at + 4 + pad4(length) > end) {
      throw new PcapFormatError(
        `${what}: option ${code} at offset ${at} has length ${length}, which runs past the end of the block`,
        {
          offset: at + 2,
          expected: `≤ ${end - at - 4}`,
          actual: length
        }
      );
    }
    out.push({ code, length, at: at + 4 });
    at += 4 + pad4(length);
  }
  return out;
}
