import { join } from 'node:path';
import { checkKnownKeys, readNumber } from '../src/jobs/config/option-readers.ts';
import type { JobDefinition } from '../src/jobs/job-definition.ts';
import { DEFAULT_K } from '../src/outputs/export/k-anonymity.ts';
import { releaseDatabase } from '../src/privacy/duckdb/release-database.ts';

/** Options of the `release` job (`jobs.release.options` in the config file). */
export interface ReleaseJobOptions {
  /** k of the release. Default 20 (`DEFAULT_K`). */
  k: number;
  /** Coarsest resolution at which remainders are pooled. Default 5. */
  topRes: number;
}

/**
 * `release`: rebuilds the analyst database `<outDir>/analyst/analyst.duckdb` from the pipeline database
 * — only released tables (docs/privacy.md), replaced atomically — after windows close, so notebooks,
 * `sql run` and dashboards of analysts read released data. Every 15 minutes at :02, :17, :32, :47.
 */
export const releaseJob: JobDefinition<ReleaseJobOptions> = {
  name: 'release',
  summary: 'closed windows → the analyst database of differencing-safe released tables (k-anonymised)',
  defaultSchedule: '2-59/15 * * * *',
  defaultPolicy: 'skip',
  options(raw) {
    const w = 'jobs.release.options';
    checkKnownKeys(raw, ['k', 'topRes'], w);
    return { k: readNumber(raw, 'k', DEFAULT_K, w, { min: 2, integer: true }), topRes: readNumber(raw, 'topRes', 5, w, { min: 0, max: 15, integer: true }) };
  },
  async run(ctx, env, o) {
    ctx.signal.throwIfAborted();
    const out = join(env.outDir, 'analyst', 'analyst.duckdb');
    const s = await releaseDatabase({ raw: env.db, out, k: o.k, topRes: o.topRes, to: ctx.scheduledFor });
    return { rows: s.elements, detail: { out, windows: s.windows, people: s.people, withheld: s.withheld, cost: s.cost, k: o.k }, files: [out] };
  },
};
