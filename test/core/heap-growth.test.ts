import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { AUTO_PERCENT, parseHeapGrowth } from '../../src/core/heap-growth.ts';
import { runMain } from '../cli/support/run-main.ts';

describe('--heap-growth', () => {
  it('reads auto, off and a whole percentage 10–400; nothing else', () => {
    expect(parseHeapGrowth('auto')).toEqual({ mode: 'auto' });
    expect(parseHeapGrowth(' OFF ')).toEqual({ mode: 'off' });
    expect(parseHeapGrowth('30')).toEqual({ mode: 'fixed', percent: 30 });
    expect(parseHeapGrowth('50%')).toEqual({ mode: 'fixed', percent: 50 });
    for (const bad of ['', '5', '401', '1.5', '-30', 'fast', '30 %x']) expect(parseHeapGrowth(bad), bad).toBeNull();
  });

  it('auto tightens V8\'s growth once the heap passes the threshold, once, and says so (in a child process: the flag is process-wide)', () => {
    const script = `
      import { applyHeapGrowth } from './src/core/heap-growth.ts';
      const calls = [];
      applyHeapGrowth({ mode: 'auto' }, (bytes, percent) => calls.push([bytes, percent]), { everyMs: 10, aboveBytes: 1 });
      const never = [];
      const stop = applyHeapGrowth({ mode: 'auto' }, () => never.push(1), { everyMs: 10, aboveBytes: 1e15 });
      const keep = setTimeout(() => { stop(); console.log(JSON.stringify({ calls, never })); }, 200);
    `;
    const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: process.cwd(), encoding: 'utf8' })) as { calls: [number, number][]; never: number[] };
    expect(out.calls).toHaveLength(1);
    expect(out.calls[0]![0]).toBeGreaterThan(1);
    expect(out.calls[0]![1]).toBe(AUTO_PERCENT);
    expect(out.never).toEqual([]);
  });

  it('a bad value is a usage error naming the flag, for ingest and stream, before anything is read', async () => {
    const ingest = await runMain(['ingest', '--from', 'no-such.ndjson', '--cells', 'no-such.csv', '--db', 'no-such.duckdb', '--heap-growth', 'lots']);
    expect(ingest.code).toBe(2);
    expect(ingest.err).toMatch(/^citypulse ingest: --heap-growth "lots": give auto, off or a percentage 10-400/);
    const stream = await runMain(['stream', '--topics', 't', '--group', 'g', '--cells', 'no-such.csv', '--db', 'no-such.duckdb', '--heap-growth', '5']);
    expect(stream.code).toBe(2);
    expect(stream.err).toMatch(/^citypulse stream: --heap-growth "5": give auto, off or a percentage 10-400/);
  });
});
