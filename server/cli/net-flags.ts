// The address flags `cbc-lab server`, `client` and `tap` share, checked after parsing (so that
// --help with a bad value still prints the help, as every other flag's check does).
import { listenFault } from '../listen-fault.ts';
import { UsageError } from './flags.ts';

export function portFlag(v: string, flag = 'port'): number {
  if (!/^\d+$/.test(v) || Number(v) > 65535)
    throw new UsageError('ERR_BAD_OPTION_VALUE', `--${flag}: expected a number 0..65535, got ${JSON.stringify(v)}`);
  return Number(v);
}

export function hostFlag(v: string): string {
  if (v === '' || /\s/.test(v))
    throw new UsageError(
      'ERR_BAD_OPTION_VALUE',
      `--host: expected an address such as 127.0.0.1, got ${JSON.stringify(v)}`
    );
  return v;
}

/** Why a listen failed, in words that say what to do; `flag` names the port's flag. */
export function listenHint(err: NodeJS.ErrnoException, flag: string): string {
  switch (listenFault(err)) {
    case 'in-use':
      return `the port is in use: ${flag === '--port' ? 'is another server running? pick another --port' : `pick another ${flag}`}`;
    case 'no-address':
      return 'no such address on this machine';
    case 'denied':
      return 'permission denied: ports below 1024 need privileges';
    case 'other':
      return err.message;
  }
}

/** The ERR_LISTEN line of `cbc-lab server` and `cbc-lab tap`. */
export function listenErrorLine(err: NodeJS.ErrnoException, host: string, port: number | string, flag: string): string {
  return `cbc-lab: ERR_LISTEN: cannot listen on ${host}:${port}: ${listenHint(err, flag)}\n`;
}
