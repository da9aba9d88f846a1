import { existsSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { checkKnownKeys, readList, readNumber } from '../src/jobs/config/option-readers.ts';
import type { JobDefinition } from '../src/jobs/job-definition.ts';
import { outputLayout } from './output-layout.ts';
import { openJobDatabase } from '../src/jobs/open-job-database.ts';
import { queryHeatmap } from '../src/outputs/export/heatmap-query.ts';
import { writeHeatmap } from '../src/outputs/export/heatmap-writers.ts';
import { DEFAULT_K } from '../src/outputs/export/k-anonymity.ts';

/** Formats this job writes (Kepler.gl reads both; the CSV carries `hex_id`). */
export const EXPORT_JOB_FORMATS = ['geojson', 'csv'] as const;
export type ExportJobFormat = (typeof EXPORT_JOB_FORMATS)[number];

/** Options of the `export_heatmaps` job (`jobs.export_heatmaps.options` in the config file). */
export interface ExportHeatmapsOptions {
  /** H3 resolution of the exported hexagons; default `null`: the base resolution of `presence`. */
  res: number | null;
  /** k-anonymity threshold: hexagons with fewer people are left out. Default 20 (`DEFAULT_K`). */
  k: number;
  /** Export at most this many of the latest closed windows per run (older unexported ones are left). Default 8. */
  maxWindows: number;
  /** Default both: `["geojson", "csv"]`. */
  formats: ExportJobFormat[];
}

/**
 * `export_heatmaps`: the latest closed windows — those ending by the slot time — as k-anonymised
 * heatmaps for dashboards, one GeoJSON and one CSV (with Kepler.gl's `hex_id`) per window in
 * `<outDir>/heatmaps/`. A window already exported is not written again, so catch-up after downtime
 * and re-runs are cheap; files appear atomically (written aside, then renamed).
 * Runs every 15 minutes at :01, :16, :31, :46 — a minute after each 15-minute window closes.
 */
export const exportHeatmapsJob: JobDefinition<ExportHeatmapsOptions> = {
  name: 'export_heatmaps',
  summary: 'latest closed windows → GeoJSON + CSV (hex_id) for Kepler.gl, k-anonymised',
  defaultSchedule: '1-59/15 * * * *',
  defaultPolicy: 'catch_up',
  options(raw) {
    const w = 'jobs.export_heatmaps.options';
    checkKnownKeys(raw, ['res', 'k', 'maxWindows', 'formats'], w);
    return {
      res: raw.res === undefined || raw.res === null ? null : readNumber(raw, 'res', 0, w, { min: 0, max: 15, integer: true }),
      k: readNumber(raw, 'k', DEFAULT_K, w, { min: 2, integer: true }),
      maxWindows: readNumber(raw, 'maxWindows', 8, w, { min: 1, integer: true }),
      formats: readList(raw, 'formats', EXPORT_JOB_FORMATS, EXPORT_JOB_FORMATS, w),
    };
  },
  async run(ctx, env, o) {
    const dir = outputLayout.heatmapDir(env.outDir);
    await mkdir(dir, { recursive: true });
    const db = await openJobDatabase(env, ctx.signal, { readOnly: true });
    const written: string[] = [];
    let cells = 0;
    let suppressed = 0;
    try {
      const base = (await db.connection.runAndReadAll('SELECT max(res)::INTEGER FROM presence')).getRowsJS()[0]?.[0] as number | null;
      if (base === null || base === undefined) return { rows: 0, detail: { windows: [], note: 'presence is empty' } };
      const res = o.res ?? base;
      const closed = (await db.connection.runAndReadAll(
        `SELECT DISTINCT epoch_ms(window_start) FROM presence WHERE epoch_ms(window_end) <= $t ORDER BY 1 DESC LIMIT $n`,
        { t: ctx.scheduledFor, n: o.maxWindows },
      )).getRowsJS().map((r) => Number(r[0])).reverse();
      for (const ws of closed) {
        ctx.signal.throwIfAborted();
        const stem = join(dir, outputLayout.heatmapStem(ws, res));
        const todo = o.formats.filter((f) => !existsSync(`${stem}.${f}`));
        if (todo.length === 0) continue;
        const result = await queryHeatmap(db.connection, { res, from: ws, to: ws + 1, k: o.k });
        for (const f of todo) {
          await writeHeatmap(result.cells, f, `${stem}.${f}.tmp`);
          await rename(`${stem}.${f}.tmp`, `${stem}.${f}`);
          written.push(`${stem}.${f}`);
        }
        cells += result.cells.length;
        suppressed += result.suppressed;
      }
    } finally {
      db.close();
    }
    return { rows: cells, detail: { files: written.length, written, suppressed, k: o.k }, files: written };
  },
};
