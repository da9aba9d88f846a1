import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { simulatedInput } from '../lib/inputs.ts';
import { repeated } from '../lib/repeat.ts';
import type { BenchResult } from '../lib/result.ts';
import { summarise, target } from '../lib/summarise.ts';
import { skipped, type Benchmark } from './benchmark.ts';

const FACTORS = [1, 2, 4] as const;
/** Old-space cap of the extra run at 4× (a deployment setting, NODE_OPTIONS), in MB. */
const HEAP_CAP_MB = 512;

/**
 * Peak RSS and throughput of `citypulse ingest` at 1×, 2×, 4× subscribers over the first hours of a
 * simulated day (every attached phone reports at least every 54 min, so nearly all are active).
 */
export const memoryScaling: Benchmark = {
  name: 'memory_scaling',
  summary: 'peak RSS and throughput of ingest at 1×, 2×, 4× subscribers (large: ≥ 1M active devices)',
  async run(ctx) {
    const results: BenchResult[] = [];
    // 1×, 2×, 4× with Node's default heap sizing, then 4× again with the old space capped.
    const plan = [...FACTORS.map((f) => ({ f, cap: false })), { f: 4, cap: true }];
    for (const { f, cap } of plan) {
      const subscribers = ctx.preset.scalingBase * f;
      const input = await simulatedInput(ctx, { subscribers, hours: ctx.preset.scalingHours });
      const db = join(ctx.dirs.tmp, `memory-scaling-${f}.duckdb`);
      const variant = cap ? `${f}× heap ${HEAP_CAP_MB} MB` : `${f}×`;
      const env = cap ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-old-space-size=${HEAP_CAP_MB}`.trim() } : undefined;
      const [runs] = await repeated(ctx, [
        {
          label: `memory_scaling ${variant}`,
          once: async () => {
            rmSync(db, { force: true });
            rmSync(db + '.wal', { force: true });
            try {
              return await ctx.measure('cli-ingest', { argv: ['--from', input.events, '--cells', input.cells, '--db', db] }, `memory-scaling-${f}x${cap ? '-cap' : ''}`, env);
            } finally {
              rmSync(db, { force: true });
              rmSync(db + '.wal', { force: true });
            }
          },
        },
      ]).catch((err: Error) => {
        // The capped run is a deployment setting, not the default: when the live state outgrows the cap
        // (V8 stops with "heap out of memory"), say so in its row and keep the others.
        if (!cap) throw err;
        ctx.log(`  memory_scaling ${variant}: failed: ${err.message.split('\n')[0]}`);
        return [null];
      });
      if (!runs) {
        const failed = skipped(ctx, 'memory_scaling', variant, `failed with the old space capped at ${HEAP_CAP_MB} MB (the live state at ${input.stats.devices.toLocaleString('en-US')} devices does not fit; see the log)`);
        failed.metrics.activeDevices = input.stats.devices;
        failed.metrics.subscribers = subscribers;
        results.push(failed);
        continue;
      }
      const r = summarise(ctx, 'memory_scaling', variant, runs, {
        note: `${subscribers.toLocaleString('en-US')} subscribers, first ${ctx.preset.scalingHours} h; ${input.stats.devices.toLocaleString('en-US')} active devices${cap ? `; NODE_OPTIONS=--max-old-space-size=${HEAP_CAP_MB}` : ''}`,
      });
      r.metrics.activeDevices = input.stats.devices;
      r.metrics.subscribers = subscribers;
      results.push(r);
    }
    const capped = results.pop()!;
    const top = results[results.length - 1]!;
    for (const r of [top, capped]) {
      if (r.metrics.activeDevices! >= 1_000_000 && Number.isFinite(r.peakRssMiB)) r.targets.push(target('peak RSS ≤ 1 GiB at ≥ 1M active devices', r.peakRssMiB <= 1024));
    }
    return [...results, capped];
  },
};
