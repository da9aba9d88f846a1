import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkKnownKeys, readChoice, readNumber, readString } from '../src/jobs/config/option-readers.ts';
import type { JobDefinition } from '../src/jobs/job-definition.ts';
import { outputLayout } from './output-layout.ts';
import { collectDailyReport } from './daily-report/collect-daily-report.ts';
import { renderDailyReport } from './daily-report/render-daily-report.ts';
import { localDay } from '../src/core/local-day.ts';
import { ensureAnalystTables } from '../src/outputs/duckdb/ensure-analyst-tables.ts';
import { openJobDatabase } from '../src/jobs/open-job-database.ts';
import { DEFAULT_K } from '../src/outputs/export/k-anonymity.ts';

/** Options of the `daily_report` job (`jobs.daily_report.options` in the config file). */
export interface DailyReportOptions {
  /** Zone system for the per-district section; default `null`: the first loaded, else coarse H3 hexagons. */
  zoneSystem: string | null;
  /** Resolution of the coarse hexagons used when no zone system is loaded. Default 6. */
  parentRes: number;
  /** Resolution of the busiest-window map. Default 8. */
  mapRes: number;
  /** k-anonymity threshold for every people count. Default 20 (`DEFAULT_K`). */
  k: number;
  /** Hour dead letters are counted in: the record's own time (`event`, default) or its rejection (`ingested`). */
  deadLettersBy: 'event' | 'ingested';
  /** Small multiples for at most this many districts (the busiest). Default 100. */
  maxAreaCharts: number;
  /** Attribution printed under the map and in the footer (e.g. the zone data's licence). Default none. */
  attribution: string | null;
}

const KEYS = ['zoneSystem', 'parentRes', 'mapRes', 'k', 'deadLettersBy', 'maxAreaCharts', 'attribution'];

/**
 * `daily_report`: yesterday (in the configured time zone) as one self-contained HTML page in
 * `<outDir>/reports/daily_YYYY-MM-DD.html` — people present over the day, a map of the busiest window,
 * per district (zone system) or coarse hexagon: mean, peak and a chart each; data quality (dead
 * letters per hour and reason, late events, silent cells). Every figure comes from the `sql/` queries.
 * Runs daily at 02:30 by default, after the day's last windows closed; a missed day is caught up.
 */
export const dailyReportJob: JobDefinition<DailyReportOptions> = {
  name: 'daily_report',
  summary: "yesterday's HTML report: population, per-district charts, data quality",
  defaultSchedule: '30 2 * * *',
  defaultPolicy: 'catch_up',
  options(raw) {
    const w = 'jobs.daily_report.options';
    checkKnownKeys(raw, KEYS, w);
    return {
      zoneSystem: readString(raw, 'zoneSystem', null, w),
      parentRes: readNumber(raw, 'parentRes', 6, w, { min: 0, max: 15, integer: true }),
      mapRes: readNumber(raw, 'mapRes', 8, w, { min: 0, max: 15, integer: true }),
      k: readNumber(raw, 'k', DEFAULT_K, w, { min: 2, integer: true }),
      deadLettersBy: readChoice(raw, 'deadLettersBy', ['event', 'ingested'] as const, 'event', w),
      maxAreaCharts: readNumber(raw, 'maxAreaCharts', 100, w, { min: 0, integer: true }),
      attribution: readString(raw, 'attribution', null, w),
    };
  },
  async run(ctx, env, o) {
    const day = localDay(ctx.scheduledFor, ctx.timeZone, -1);
    const db = await openJobDatabase(env, ctx.signal, { readOnly: true });
    let data;
    try {
      await ensureAnalystTables(db.connection, true);
      data = await collectDailyReport(db.connection, { ...day, ...o, timeZone: ctx.timeZone, signal: ctx.signal });
    } finally {
      db.close();
    }
    const html = renderDailyReport({ ...data, generatedAt: Date.now() }, { attribution: o.attribution ?? undefined, maxAreaCharts: o.maxAreaCharts });
    const dir = outputLayout.reportDir(env.outDir);
    const file = join(dir, outputLayout.reportFile(day.day));
    await mkdir(dir, { recursive: true });
    await writeFile(file + '.tmp', html);
    await rename(file + '.tmp', file);
    return {
      rows: data.areas.rows.length,
      detail: { file, day: day.day, areas: data.areas.label, windows: data.city.length, deadLetters: data.quality.deadLetters.total, bytes: Buffer.byteLength(html) },
      files: [file],
    };
  },
};
