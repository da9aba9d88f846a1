import { simulatedInput } from '../lib/inputs.ts';
import { repeated } from '../lib/repeat.ts';
import type { BenchResult } from '../lib/result.ts';
import { spread } from '../lib/stats.ts';
import { summarise, target } from '../lib/summarise.ts';
import type { Benchmark } from './benchmark.ts';

/** Seconds of input each incremental snapshot covers: the stream's default checkpoint interval, and a minute. */
const INTERVALS = [5, 60];

/**
 * Incremental checkpoints against whole snapshots, on the memory-scaling input at 4× (the most devices
 * the size holds): the time to take and encode a partition's state whole, and the delta after 5 s and
 * 60 s of input (live operation: event time at wall-clock pace), with their stored bytes. Each row's
 * peer is the whole snapshot; the ratio is its time over the delta's.
 */
export const checkpointState: Benchmark = {
  name: 'checkpoint_state',
  summary: 'checkpoint cost: incremental snapshot (changed devices only) vs the whole state, same pipeline',
  async run(ctx) {
    const input = await simulatedInput(ctx, { subscribers: ctx.preset.scalingBase * 4, hours: ctx.preset.scalingHours });
    const [runs] = await repeated(ctx, [
      { label: 'checkpoint_state', once: () => ctx.measure('checkpoint-state', { input: input.events, cells: input.cells, key: ctx.key, hours: ctx.preset.scalingHours, intervals: INTERVALS }, 'checkpoint-state') },
    ]);
    return INTERVALS.map((s): BenchResult => {
      const rows = runs!.map((r) => ({ ...r, seconds: r.extra[`delta${s}Ms`]! / 1000, events: r.extra[`delta${s}Events`]! }));
      const r = summarise(ctx, 'checkpoint_state', `delta after ${s} s of input`, rows, {
        note: `${input.stats.devices.toLocaleString('en-US')} active devices in one pipeline; events/s = events the delta covers over its time`,
      });
      const full = spread(runs!.map((x) => x.extra[`full${s}Ms`]! / 1000));
      r.peer = { name: 'whole snapshot', seconds: full, eventsPerSecond: r.metrics.devices! / full.median, peakRssMiB: r.peakRssMiB };
      r.ratio = full.median / r.seconds.median;
      r.metrics.bytesRatio = r.metrics[`full${s}Bytes`]! / r.metrics[`delta${s}Bytes`]!;
      r.targets.push(target('restored chain equals the live state', r.metrics.restoredEqual === 1));
      return r;
    });
  },
};
