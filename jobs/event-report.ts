import { join } from 'node:path';
import { checkKnownKeys, readNumber, readString } from '../src/jobs/config/option-readers.ts';
import type { JobDefinition } from '../src/jobs/job-definition.ts';
import { openJobDatabase } from '../src/jobs/open-job-database.ts';
import { localDay } from '../src/core/local-day.ts';
import { DEFAULT_K } from '../src/outputs/export/k-anonymity.ts';
import { readAreasFile } from '../src/alerts/areas/read-areas-file.ts';
import { resolvePopulationConfig } from '../src/population/engine/population-config.ts';
import { writeEventReport } from '../src/population/report/write-event-report.ts';

/** Options of the `event_report` job (`jobs.event_report.options`). */
export interface EventReportJobOptions {
  /** Watched-areas GeoJSON (the alerts' areas file); default `null`: the job has nothing to do. */
  areas: string | null;
  /** Zone system naming the attendees' origins; default `null`: H3 res-7 cells. */
  zoneSystem: string | null;
  /** Release threshold. Default 20 (`DEFAULT_K`). */
  k: number;
  /** People per device (expansion). Default 1. */
  peoplePerDevice: number;
}

const KEYS = ['areas', 'zoneSystem', 'k', 'peoplePerDevice'];

/**
 * `event_report`: yesterday (in the job's time zone) of every watched area as an event report —
 * `<outDir>/events/event_<area>_<YYYY-MM-DD>.html` and `.json` (docs/population.md). Baseline: the
 * same hours 7 days before (else 1 day before). Runs daily at 03:00; a missed day is caught up.
 */
export const eventReportJob: JobDefinition<EventReportJobOptions> = {
  name: 'event_report',
  summary: "yesterday's event report of every watched area (attendance, peak, arrivals, dwell, origins)",
  defaultSchedule: '0 3 * * *',
  defaultPolicy: 'catch_up',
  options(raw) {
    const w = 'jobs.event_report.options';
    checkKnownKeys(raw, KEYS, w);
    return {
      areas: readString(raw, 'areas', null, w),
      zoneSystem: readString(raw, 'zoneSystem', null, w),
      k: readNumber(raw, 'k', DEFAULT_K, w, { min: 2, integer: true }),
      peoplePerDevice: readNumber(raw, 'peoplePerDevice', 1, w, { min: 0.001 }),
    };
  },
  async run(ctx, env, o) {
    if (o.areas === null) return { rows: 0, detail: 'no watched areas configured (jobs.event_report.options.areas)' };
    const day = localDay(ctx.scheduledFor, ctx.timeZone, -1);
    const areas = await readAreasFile(o.areas);
    const db = await openJobDatabase(env, ctx.signal, { readOnly: true });
    const files: string[] = [];
    try {
      for (const a of areas) {
        if (ctx.signal.aborted) break;
        const out = join(env.outDir, 'events', `event_${a.id.replace(/[^\w.-]/g, '_')}_${day.day}.html`);
        await writeEventReport(db.connection, {
          areasFile: o.areas, areaId: a.id, from: day.fromMs, to: day.toMs, space: o.zoneSystem ? { zones: o.zoneSystem } : { res: 7 },
          config: resolvePopulationConfig({ timeZone: ctx.timeZone }), k: o.k, peoplePerDevice: o.peoplePerDevice, out,
        });
        files.push(out);
      }
    } finally {
      db.close();
    }
    return { rows: files.length, detail: { day: day.day, files }, files };
  },
};
