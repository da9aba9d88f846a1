/** CPU times read from one `/proc/<pid>/stat` line, in seconds. */
export interface ProcStatCpu {
  /** utime + stime: CPU the process itself used so far. */
  self: number;
  /** cutime + cstime: CPU of the process's children that exited and were waited for. */
  reapedChildren: number;
}

/**
 * Parses a `/proc/<pid>/stat` line (proc(5)) given the clock ticks per second (`getconf CLK_TCK`).
 * Fields are counted after the last `)`, since the command name in parentheses may hold spaces.
 * Returns `null` for anything that is not such a line (e.g. the process was not readable).
 *
 * @example procStatCpu(readFileSync(`/proc/${pid}/stat`, 'utf8'), 100) // { self: 2.8, reapedChildren: 0.06 }
 */
export function procStatCpu(line: string, ticksPerSecond: number): ProcStatCpu | null {
  const close = line.lastIndexOf(')');
  if (close < 0 || !(ticksPerSecond > 0)) return null;
  // After ")": state(3) ppid(4) … utime(14) stime(15) cutime(16) cstime(17).
  const f = line.slice(close + 1).trim().split(/\s+/);
  const [utime, stime, cutime, cstime] = [f[11], f[12], f[13], f[14]].map(Number);
  if (![utime, stime, cutime, cstime].every((x) => Number.isFinite(x))) return null;
  return { self: (utime! + stime!) / ticksPerSecond, reapedChildren: (cutime! + cstime!) / ticksPerSecond };
}
