import { describe, expect, it } from 'vitest';
import { smapsMemory } from '../../bench/lib/proc-smaps.ts';

const map = (range: string, perms: string, inode: string, name: string, rssKb: number) =>
  `${range} ${perms} 00000000 ${inode === '0' ? '00:00' : 'fe:00'} ${inode}                     ${name}\nSize:  999 kB\nRss:   ${rssKb} kB\nPss:   ${rssKb} kB\nVmFlags: rd wr mr mw me ac\n`;

describe('smapsMemory', () => {
  it('splits RSS into brk, 64 MiB glibc heaps, other anonymous and file-backed mappings', () => {
    const text = [
      map('55cd6dcd1000-55cd6dcd3000', 'r-xp', '260131', '/usr/bin/node', 100),
      map('55cd6e000000-55cd6f000000', 'rw-p', '0', '[heap]', 2000),
      // A glibc arena: 64 MiB-aligned, 20 MiB in use then 44 MiB PROT_NONE (the 64 MiB reservation).
      map('7f0004000000-7f0005400000', 'rw-p', '0', '', 18000),
      map('7f0005400000-7f0008000000', '---p', '0', '', 0),
      // A whole 64 MiB arena.
      map('7f0008000000-7f000c000000', 'rw-p', '0', '', 30000),
      // Aligned but not a 64 MiB reservation (e.g. jemalloc or V8): other anonymous.
      map('7f000c000000-7f000c200000', 'rw-p', '0', '', 1500),
      // Not aligned.
      map('7f000d001000-7f000d101000', 'rw-p', '0', '', 700),
      map('7ffd1000000-7ffd1021000', 'rw-p', '0', '[stack]', 50),
      map('7f1000000000-7f1000100000', 'r--p', '1234', '/usr/lib/libduckdb.so', 400),
    ].join('');
    const k = 1024;
    expect(smapsMemory(text)).toEqual({
      brk: 2000 * k,
      arenas: (18000 + 30000) * k,
      anonOther: (1500 + 700 + 50) * k,
      file: (100 + 400) * k,
      total: (100 + 2000 + 18000 + 30000 + 1500 + 700 + 50 + 400) * k,
    });
  });

  it('returns null for text with no mapping, and reads this process', async () => {
    expect(smapsMemory('')).toBeNull();
    const { readFileSync } = await import('node:fs');
    const self = smapsMemory(readFileSync('/proc/self/smaps', 'utf8'))!;
    expect(self.total).toBeGreaterThan(self.file);
    expect(self.brk + self.arenas + self.anonOther + self.file).toBe(self.total);
    // smaps counts what the kernel reports as RSS, give or take the pages touched in between.
    expect(Math.abs(self.total - process.memoryUsage.rss()) / self.total).toBeLessThan(0.2);
  });
});
