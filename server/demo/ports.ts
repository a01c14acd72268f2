// The demo's two ports: a taken one is said in one line naming the flag that moves us elsewhere,
// and checked before the (slow) build.
import { createServer } from 'node:net';
import { CodedError } from '../../src/lib/errors/coded-error.ts';
import { listenFault } from '../listen-fault.ts';

/** A port that is taken: says which flag moves us elsewhere. */
export class PortInUseError extends CodedError<'ERR_PORT_IN_USE'> {
  constructor(
    readonly flag: string,
    readonly port: number,
    readonly host: string
  ) {
    // macOS's AirPlay Receiver listens on port 5000, the default --chat-port: name the likely culprit.
    const who =
      process.platform === 'darwin' && port === 5000
        ? 'on macOS, often the AirPlay Receiver'
        : 'another program, or another npm start, is listening there';
    super('ERR_PORT_IN_USE', `port ${port} on ${host} is in use (${who}); choose another with ${flag} <port>`, {
      actual: port
    });
  }
}

export function listenError(err: unknown, flag: string, port: number, host: string): Error {
  const fault = listenFault(err);
  if (fault === 'in-use') return new PortInUseError(flag, port, host);
  if (fault === 'denied')
    return new Error(`port ${port} on ${host}: permission denied; choose a port above 1023 with ${flag} <port>`);
  return err instanceof Error ? err : new Error(String(err));
}

/** Fail before the (slow) build when a port is taken. */
export function checkPortFree(port: number, host: string, flag: string): Promise<void> {
  if (port === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', (err) => reject(listenError(err, flag, port, host)));
    s.listen(port, host, () => s.close(() => resolve()));
  });
}
