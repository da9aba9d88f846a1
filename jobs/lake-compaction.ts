import { checkKnownKeys, readChoice, readNumber } from '../src/jobs/config/option-readers.ts';
import type { JobDefinition } from '../src/jobs/job-definition.ts';
import { compactLake, LAKE_COMPRESSIONS, type LakeCompression } from '../src/outputs/lake/index.ts';

/** Options of the `lake_compaction` job (`jobs.lake_compaction.options` in the config file). */
export interface LakeCompactionOptions {
  /** Compact hour partitions that ended at least this many hours before the slot time. Default 2. */
  olderThanHours: number;
  /** Parquet compression of the merged files. Default `zstd`. */
  compression: LakeCompression;
}

/**
 * `lake_compaction`: merges each old-enough hour partition of the Parquet lake (`lakeDir`) into one
 * `compacted.parquet` with `compactLake`, so readers open a file per hour instead of one per window.
 * Idempotent; runs hourly at :20 by default, and a missed run is not caught up (the next one does all).
 */
export const lakeCompactionJob: JobDefinition<LakeCompactionOptions> = {
  name: 'lake_compaction',
  summary: 'merge old hour partitions of the Parquet lake into one file each',
  defaultSchedule: '20 * * * *',
  defaultPolicy: 'skip',
  options(raw) {
    const w = 'jobs.lake_compaction.options';
    checkKnownKeys(raw, ['olderThanHours', 'compression'], w);
    return {
      olderThanHours: readNumber(raw, 'olderThanHours', 2, w, { min: 0 }),
      compression: readChoice(raw, 'compression', LAKE_COMPRESSIONS, 'zstd', w),
    };
  },
  async run(ctx, env, o) {
    ctx.signal.throwIfAborted();
    const r = await compactLake(env.lakeDir, { olderThanHours: o.olderThanHours, now: ctx.scheduledFor, compression: o.compression });
    return { rows: r.rows, detail: { lake: env.lakeDir, ...r } };
  },
};
