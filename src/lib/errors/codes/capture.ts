// The capture file codes: reading and writing pcapng and pcap.
// One part of CODES (../codes.ts); a code's `areas` name every docs/errors.md table it is in.
import type { CodeInfo } from './areas';

export const CAPTURE_CODES = {
  ERR_PCAP_FORMAT: {
    areas: ['capture', 'load'],
    meaning: 'not a pcapng/pcap file, or a block that contradicts itself',
    fix: 'is this a capture file?'
  },
  ERR_PCAP_TRUNCATED: {
    areas: ['capture', 'load'],
    meaning: 'the file ends inside a header, block or record',
    fix: 'the file was cut short'
  },
  ERR_PCAP_UNSUPPORTED: {
    areas: ['capture', 'load'],
    meaning: 'a pcapng or pcap version we do not read',
    fix: 'convert it with editcap'
  },
  ERR_PCAP_ARGUMENT: {
    areas: ['capture', 'load'],
    meaning: 'the capture writer was called with something it cannot write',
    fix: 'a bug in the caller'
  }
} as const satisfies Record<`ERR_${string}`, CodeInfo>;
