import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { simulatedInput } from '../lib/inputs.ts';
import { repeated } from '../lib/repeat.ts';
import { summarise } from '../lib/summarise.ts';
import type { Benchmark } from './benchmark.ts';

/**
 * `citypulse ingest` of a simulated day's JSON signalling, and separately of its JSON location
 * fixes, into a fresh DuckDB file per run; the signalling once more with `--trajectory off` (no
 * stays, trips or OD), the trajectory layer's cost (issue 11) read as the ratio of the two.
 */
export const fileIngest: Benchmark = {
  name: 'file_ingest',
  summary: 'citypulse ingest of JSON signalling and of JSON location events (events/s, peak RSS)',
  async run(ctx) {
    const input = await simulatedInput(ctx, { subscribers: ctx.preset.fileIngest, split: true });
    const results = [];
    const variants = [
      { name: 'signalling', input: input.signalling, extra: [] as string[] },
      { name: 'location', input: input.location, extra: [] as string[] },
      { name: 'signalling, trajectory off', input: input.signalling, extra: ['--trajectory', 'off'] },
    ];
    for (const { name: variant, input: from, extra } of variants) {
      const slug = `file-ingest-${variant.replace(/\W+/g, '-')}`;
      const db = join(ctx.dirs.tmp, `${slug}.duckdb`);
      const [runs] = await repeated(ctx, [
        {
          label: `file_ingest ${variant}`,
          once: async () => {
            rmSync(db, { force: true });
            rmSync(db + '.wal', { force: true });
            try {
              return await ctx.measure('cli-ingest', { argv: ['--from', from, '--cells', input.cells, '--db', db, ...extra] }, slug);
            } finally {
              rmSync(db, { force: true });
              rmSync(db + '.wal', { force: true });
            }
          },
        },
      ]);
      results.push(
        summarise(ctx, 'file_ingest', variant, runs!, {
          note: `${ctx.preset.fileIngest.toLocaleString('en-US')} subscribers, one simulated day; timed from argument parsing to summary`,
        }),
      );
    }
    // The trajectory layer's cost: signalling with it (the default) against the same run without.
    const on = results.find((r) => r.variant === 'signalling')!;
    const off = results.find((r) => r.variant === 'signalling, trajectory off')!;
    Object.assign(on, {
      peer: { name: 'trajectory off', seconds: off.seconds, eventsPerSecond: off.eventsPerSecond, peakRssMiB: off.peakRssMiB },
      ratio: on.eventsPerSecond / off.eventsPerSecond,
    });
    return results;
  },
};
