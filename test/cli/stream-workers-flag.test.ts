import { describe, expect, it } from 'vitest';
import { runMain } from './support/run-main.ts';

const base = ['stream', '--topics', 't', '--group', 'g', '--cells', 'no-such.csv', '--db', 'no-such.duckdb'];

describe('stream --workers on the command line', () => {
  it('a bad count is a usage error naming the flag, before any broker or file is touched', async () => {
    const r = await runMain([...base, '--workers', 'two']);
    expect(r.code).toBe(2);
    expect(r.err).toBe('citypulse stream: --workers "two": give a whole number from 0 to 256, or auto (see citypulse stream --help)\n');
  });

  it('refuses --repartition, whose located topic the workers do not take', async () => {
    const r = await runMain([...base, '--workers', '1', '--repartition']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^citypulse stream: --workers does not combine with --repartition/);
  });

  it('is in the help', async () => {
    const r = await runMain(['stream', '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/--workers N\|auto\s+worker threads holding whole partitions' pipelines/);
  });
});
