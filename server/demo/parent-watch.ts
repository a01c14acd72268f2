// Under `npm start`, stop when the process that started us is gone. `kill <pid of npm>` sends
// SIGTERM to npm, npm passes it to the shell that runs the script, and a shell that does not exec
// its last command (dash, Debian's and Ubuntu's /bin/sh) dies of it without passing it on: we
// would run on, orphaned, holding both ports. Node cannot ask the kernel for a signal when the
// parent dies (prctl PR_SET_PDEATHSIG), so poll: a parent that has exited is no longer there.
// When the parent is that shell, npm above it is watched too (where /proc tells us who it is), so
// that `kill -9` of npm, which leaves the shell waiting, stops the demo as well.
// Run directly (`node --import tsx server/demo.ts &`), the demo outlives its shell as any program.
import { readFileSync } from 'node:fs';

const POLL_MS = 250;

/** Calls `onGone` once when npm (or the shell it ran us in) has exited; a no-op outside npm. */
export function watchParent(env: Record<string, string | undefined>, onGone: () => void): void {
  if (!env.npm_lifecycle_event || process.ppid <= 1) return;
  const watched = [process.ppid];
  const shell = procStat(process.ppid);
  if (shell && /^(sh|dash|bash|zsh|ksh|mksh|busybox)$/.test(shell.comm) && shell.ppid > 1) watched.push(shell.ppid);
  const timer = setInterval(() => {
    for (const pid of watched) {
      try {
        process.kill(pid, 0);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ESRCH') continue;
        clearInterval(timer);
        onGone();
        return;
      }
    }
  }, POLL_MS);
  timer.unref();
}

/** A process's name and parent from /proc (Linux); null elsewhere. */
function procStat(pid: number): { comm: string; ppid: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ')'
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const ppid = Number(stat.slice(close + 2).split(' ')[1]);
    return Number.isInteger(ppid) ? { comm, ppid } : null;
  } catch {
    return null;
  }
}
