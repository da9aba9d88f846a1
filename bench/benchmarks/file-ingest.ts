import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { simulatedInput } from '../lib/inputs.ts';
import { repeated } from '../lib/repeat.ts';
import { summarise } from '../lib/summarise.ts';
import type { Benchmark } from './benchmark.ts';

/**
 * `citypulse ingest` of a simulated day's JSON signalling, and separately of its JSON location
 * fixes, into a fresh DuckDB file per run.
 */
export const fileIngest: Benchmark = {
  name: 'file_ingest',
  summary: 'citypulse ingest of JSON signalling and of JSON location events (events/s, peak RSS)',
  async run(ctx) {
    const input = await simulatedInput(ctx, { subscribers: ctx.preset.fileIngest, split: true });
    const results = [];
    for (const variant of ['signalling', 'location'] as const) {
      const db = join(ctx.dirs.tmp, `file-ingest-${variant}.duckdb`);
      const [runs] = await repeated(ctx, [
        {
          label: `file_ingest ${variant}`,
          once: async () => {
            rmSync(db, { force: true });
            rmSync(db + '.wal', { force: true });
            try {
              return await ctx.measure('cli-ingest', { argv: ['--from', input[variant], '--cells', input.cells, '--db', db] }, `file-ingest-${variant}`);
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
    return results;
  },
};
