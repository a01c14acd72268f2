// The command line codes: arguments and flags of cbc-lab.
// One part of CODES (../codes.ts); a code's `areas` name every docs/errors.md table it is in.
import type { CodeInfo } from './areas';

export const CLI_CODES = {
  ERR_UNKNOWN_COMMAND: { areas: ['cli'], meaning: 'the first word is not a command', fix: 'cbc-lab --help lists them' },
  ERR_UNKNOWN_OPTION: {
    areas: ['cli'],
    meaning: 'a flag the command does not take',
    fix: 'see the usage that follows'
  },
  ERR_MISSING_VALUE: {
    areas: ['cli'],
    meaning: 'a flag that takes a value came last',
    fix: 'give the value after the flag'
  },
  ERR_MISSING_OPTION: { areas: ['cli'], meaning: 'a required flag is missing', fix: 'add the flag named' },
  ERR_BAD_OPTION_VALUE: {
    areas: ['cli'],
    meaning: "a value outside the flag's choices",
    fix: 'use one of the values listed'
  },
  ERR_REPEATED_OPTION: { areas: ['cli'], meaning: 'a flag given twice', fix: 'give it once' },
  ERR_EXTRA_ARGUMENT: {
    areas: ['cli'],
    meaning: 'more positional arguments than the command takes',
    fix: 'quote the text, or pipe it on stdin'
  },
  ERR_INPUT_TOO_LARGE: {
    areas: ['cli'],
    meaning: '--json with more than 1 MiB of input',
    fix: 'drop --json for large inputs'
  },
  ERR_AMBIGUOUS_KEY: {
    areas: ['cli'],
    meaning: 'a key file that reads as a different key as hex and as raw bytes',
    fix: 'add --key-format hex or --key-format raw'
  },
  ERR_CONFLICTING_OPTIONS: {
    areas: ['cli'],
    meaning: 'two options that exclude each other',
    fix: 'give one key source'
  }
} as const satisfies Record<`ERR_${string}`, CodeInfo>;
