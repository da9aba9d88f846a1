import { checkKnownKeys, readNumber } from '../src/jobs/config/option-readers.ts';
import type { JobDefinition } from '../src/jobs/job-definition.ts';
import { openJobDatabase } from '../src/jobs/open-job-database.ts';
import { recomputeOdDay } from '../src/mobility/duckdb/recompute-od-day.ts';

const DAY = 86_400_000;

/** Options of the `od_daily` job (`jobs.od_daily.options` in the config file). */
export interface OdDailyOptions {
  /** How many past UTC days to recompute, ending with the day before the slot. Default 1. */
  days: number;
}

/**
 * `od_daily`: the batch side of the OD matrices. Recomputes the consecutive-trip OD of each of the
 * last `days` UTC days from `trips` into `od_daily` and reports how many rows differ from what
 * streaming published in `od_h3_hourly` (0 when they agree). Runs at 06:15 by default: after the
 * previous day's last hour passed the publication bound (hour end + 5 h 28 min, docs/mobility.md).
 */
export const odDailyJob: JobDefinition<OdDailyOptions> = {
  name: 'od_daily',
  summary: 'recompute yesterday’s OD from trips into od_daily and check it against the streaming od_h3_hourly',
  defaultSchedule: '15 6 * * *',
  defaultPolicy: 'catch_up',
  options(raw) {
    const w = 'jobs.od_daily.options';
    checkKnownKeys(raw, ['days'], w);
    return { days: readNumber(raw, 'days', 1, w, { min: 1, max: 366, integer: true }) };
  },
  async run(ctx, env, o) {
    const db = await openJobDatabase(env, ctx.signal);
    try {
      const today = Math.floor(ctx.scheduledFor / DAY) * DAY;
      const days = [];
      let rows = 0;
      for (let d = o.days; d >= 1; d--) {
        ctx.signal.throwIfAborted();
        const r = await recomputeOdDay(db.connection, today - d * DAY);
        rows += r.rows;
        days.push(r);
      }
      return { rows, detail: { days } };
    } finally {
      db.close();
    }
  },
};
