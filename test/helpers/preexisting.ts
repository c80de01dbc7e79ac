/**
 * A leak-check ignore rule for processes that cannot be this test's: children of a process that already ran
 * before the test began (same pid, same start time). On a shared machine another run's container with a
 * `while sleep 1` loop spawns a new `sleep` every second, which the leak check would otherwise report as a
 * leak of whichever test is checking; a leaked container of this test has a parent started during it.
 *
 *   const older = olderProcesses();
 *   const e = await e2eEnv(t, { ignore: [older.ignore] });
 *   older.capture();                       // right after the guard's snapshot
 */
import { readFileSync, readdirSync } from 'node:fs';

/** Field 22 of /proc/<pid>/stat (start time in clock ticks), or undefined when the process is gone. */
export function startTimeOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) may hold spaces and parentheses: count fields after its closing ')'
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Pure: the parent pid named by a leak line `process <pid> <comm> (ppid <ppid>, ...)`. */
export function parentOfLeakLine(entry: string): number | undefined {
  const m = /^process \d+ .*?\(ppid (\d+)[,)]/.exec(entry);
  return m ? Number(m[1]) : undefined;
}

export function olderProcesses(): { ignore: (entry: string) => boolean; capture: () => void } {
  const seen = new Map<number, string>();
  return {
    capture: () => {
      for (const name of readdirSync('/proc')) {
        if (!/^\d+$/.test(name)) continue;
        const start = startTimeOf(Number(name));
        if (start !== undefined) seen.set(Number(name), start);
      }
    },
    ignore: (entry) => {
      const ppid = parentOfLeakLine(entry);
      if (ppid === undefined || ppid <= 1) return false;
      const start = seen.get(ppid);
      return start !== undefined && startTimeOf(ppid) === start;
    },
  };
}
