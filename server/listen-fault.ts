// Why a listen(2) failed, named once for every shell that listens (cbc-lab server, tap and demo):
// each says it in words for its own flags (server/cli/net-flags.ts, server/demo/ports.ts).
export type ListenFault = 'in-use' | 'no-address' | 'denied' | 'other';

export function listenFault(err: unknown): ListenFault {
  switch ((err as NodeJS.ErrnoException | null | undefined)?.code) {
    case 'EADDRINUSE':
      return 'in-use';
    case 'EADDRNOTAVAIL':
      return 'no-address';
    case 'EACCES':
      return 'denied'; // ports below 1024 need privileges
    default:
      return 'other';
  }
}
