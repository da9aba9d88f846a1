import { describe, expect, it } from 'vitest';
import { procStatCpu } from '../../bench/lib/proc-stat-cpu.ts';

describe('procStatCpu', () => {
  it('reads utime+stime and cutime+cstime after the command name, in seconds', () => {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime …
    const line = '4242 (postgres) S 17 17 17 0 -1 4194560 900 0 0 0 250 30 4 2 20 0 1 0 168176 3133440 412';
    expect(procStatCpu(line, 100)).toEqual({ self: 2.8, reapedChildren: 0.06 });
  });

  it('counts fields from the last parenthesis, so a command name with spaces and parentheses does not shift them', () => {
    const line = '7 (a (b) c) R 1 1 1 0 -1 0 0 0 0 0 1000 500 0 0 20 0 1 0 1 1 1';
    expect(procStatCpu(line, 250)).toEqual({ self: 6, reapedChildren: 0 });
  });

  it('returns null for a line that is not a stat line or a missing clock rate', () => {
    expect(procStatCpu('', 100)).toBeNull();
    expect(procStatCpu('cat: /proc/1/stat: No such file or directory', 100)).toBeNull();
    expect(procStatCpu('1 (x) S 0 0 0 0 -1 0 0 0 0 0 1 1 0 0', Number.NaN)).toBeNull();
  });
});
