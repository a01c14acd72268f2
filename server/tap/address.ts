// How the tap names the ends of a connection, and what a socket error means to an operator.

/** The dotted IPv4 address of `addr` (IPv4-mapped IPv6 included), or null: the pcapng holds IPv4 only. */
export function ipv4(addr: string | undefined): string | null {
  if (!addr) return null;
  const a = addr.startsWith('::ffff:') ? addr.slice(7) : addr;
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(a) ? a : null;
}

/** "host:port", or "[v6]:port". */
export function hostPort(addr: string | undefined, port: number | undefined): string {
  const a = addr?.startsWith('::ffff:') ? addr.slice(7) : (addr ?? '?');
  return a.includes(':') ? `[${a}]:${port}` : `${a}:${port}`;
}

const SOCKET_MEANING: Record<string, string> = {
  ECONNREFUSED: 'the target refused the connection: is the server running on that port?',
  ECONNRESET: 'the peer reset the connection',
  ETIMEDOUT: 'the target did not answer in time',
  EHOSTUNREACH: 'no route to the target host',
  ENOTFOUND: 'the target host name does not resolve',
  EPIPE: 'the peer closed while data was being written'
};

/** The connection's error record: the errno code, and what it means from `side`. */
export function socketError(side: string, err: NodeJS.ErrnoException): { code: string; message: string } {
  const code = err.code ?? 'ERR_SOCKET';
  return { code, message: `${side}: ${SOCKET_MEANING[code] ?? err.message}` };
}
