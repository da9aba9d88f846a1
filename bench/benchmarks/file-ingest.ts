import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { simulatedInput } from '../lib/inputs.ts';
import { repeated } from '../lib/repeat.ts';
import { summarise } from '../lib/summarise.ts';
import type { Benchmark } from './benchmark.ts';

/**
 * `citypulse ingest` of a simulated day's JSON signalling, and separately of its JSON location
 * fixes, into a fresh DuckDB file per run. The signalling runs alternate with three variants of
 * the same input: `--trajectory off` (no stays, trips or OD: the trajectory layer's cost, issue 11,
 * is the ratio of the two) and `--workers 1` / `--workers 2` (windows and device consumers on
 * worker threads: the scaling of issue 15, each against the single-threaded run).
 */
export const fileIngest: Benchmark = {
  name: 'file_ingest',
  summary: 'citypulse ingest of JSON signalling and of JSON location events, on one thread and with window workers (events/s, peak RSS)',
  async run(ctx) {
    const input = await simulatedInput(ctx, { subscribers: ctx.preset.fileIngest, split: true });
    const note = `${ctx.preset.fileIngest.toLocaleString('en-US')} subscribers, one simulated day; timed from argument parsing to summary`;
    const one = (variant: string, from: string, extra: string[]) => {
      const slug = `file-ingest-${variant.replace(/\W+/g, '-')}`;
      const db = join(ctx.dirs.tmp, `${slug}.duckdb`);
      return {
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
      };
    };
    const signalling = [
      { name: 'signalling', extra: [] as string[] },
      { name: 'signalling, trajectory off', extra: ['--trajectory', 'off'] },
      { name: 'signalling, 1 window worker', extra: ['--workers', '1'] },
      { name: 'signalling, 2 window workers', extra: ['--workers', '2'] },
    ];
    const runs = await repeated(ctx, signalling.map((v) => one(v.name, input.signalling, v.extra)));
    const [location] = await repeated(ctx, [one('location', input.location, [])]);
    const results = [
      ...signalling.map((v, i) => summarise(ctx, 'file_ingest', v.name, runs[i]!, { note })),
      summarise(ctx, 'file_ingest', 'location', location!, { note }),
    ];
    const row = (variant: string) => results.find((r) => r.variant === variant)!;
    const against = (r: ReturnType<typeof row>, base: ReturnType<typeof row>, name: string) =>
      Object.assign(r, { peer: { name, seconds: base.seconds, eventsPerSecond: base.eventsPerSecond, peakRssMiB: base.peakRssMiB }, ratio: r.eventsPerSecond / base.eventsPerSecond });
    // The trajectory layer's cost: signalling with it (the default) against the same run without.
    against(row('signalling'), row('signalling, trajectory off'), 'trajectory off');
    // Scaling: window workers against everything on one thread (the same input, alternating).
    for (const v of ['signalling, 1 window worker', 'signalling, 2 window workers']) against(row(v), row('signalling'), `one thread`);
    return results;
  },
};
