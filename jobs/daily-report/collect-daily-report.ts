import type { DuckDBConnection } from '@duckdb/node-api';
import { loadQuery, runQuery, type QueryParams, type QueryResult } from '../../src/sql/index.ts';
import type { AreaSummary, DailyReportData, SeriesPoint } from './daily-report-data.ts';

/** What {@link collectDailyReport} reports on. */
export interface DailyReportQuery {
  day: string;
  timeZone: string;
  fromMs: number;
  toMs: number;
  k: number;
  /** Zone system to report per district; `null` picks the first loaded one, else coarse H3 parents. */
  zoneSystem: string | null;
  /** Resolution of the coarse hexagons when no zone system is loaded. */
  parentRes: number;
  /** Resolution of the peak-window map. */
  mapRes: number;
  /** Dead letters are counted in the hour of the record's own time (`event`) or of its rejection (`ingested`). */
  deadLettersBy: 'event' | 'ingested';
  /** Draw small multiples for at most this many areas (the busiest). */
  maxAreaCharts: number;
  signal?: AbortSignal;
}

/** Rows of a result as objects keyed by column name. */
function objects(r: QueryResult): Record<string, unknown>[] {
  return r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c.name, row[i]])));
}

const ms = (v: unknown): number | null => (v instanceof Date ? v.getTime() : v === null || v === undefined ? null : Number(new Date(String(v))));
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/**
 * Gathers the daily report's figures through the named queries of `sql/` — `heatmap` (city total,
 * peak map, coarse hexagons), `zone_totals` + `zone_timeseries` (per district, when a zone system is
 * loaded), `dq_dead_letters`, `dq_late_events`, `dq_silent_cells` — all k-anonymised where they count people.
 * The connection needs the `h3_*` functions and the analyst tables (see `ensureAnalystTables`).
 */
export async function collectDailyReport(conn: DuckDBConnection, q: DailyReportQuery): Promise<Omit<DailyReportData, 'generatedAt'>> {
  const range = { from: q.fromMs, to: q.toMs };
  const run = async (name: string, params: QueryParams) => {
    q.signal?.throwIfAborted();
    return objects(await runQuery(conn, loadQuery(name), params));
  };

  const coarse = await run('heatmap', { ...range, res: 0, k: q.k });
  const cityByWindow = new Map<number, number>();
  for (const r of coarse) cityByWindow.set(ms(r.window_start)!, (cityByWindow.get(ms(r.window_start)!) ?? 0) + Number(r.present));
  const windows = (await conn.runAndReadAll(
    'SELECT DISTINCT epoch_ms(window_start) FROM presence WHERE epoch_ms(window_start) >= $from AND epoch_ms(window_start) < $to ORDER BY 1',
    range,
  )).getRowsJS().map((r) => Number(r[0]));
  const city: SeriesPoint[] = windows.map((w) => [w, cityByWindow.get(w) ?? null]);

  let peakMap: DailyReportData['peakMap'] = null;
  const peak = city.reduce<SeriesPoint | null>((best, p) => (p[1] !== null && (best === null || p[1] > best[1]!) ? p : best), null);
  if (peak) {
    const cells = await run('heatmap', { from: peak[0], to: peak[0] + 1, res: q.mapRes, k: q.k });
    peakMap = {
      atMs: peak[0],
      res: q.mapRes,
      cells: cells.map((c) => ({ windowStart: peak[0], windowEnd: ms(c.window_end)!, h3: String(c.h3_hex), res: q.mapRes, present: Number(c.present) })),
    };
  }

  const systems = (await conn.runAndReadAll('SELECT DISTINCT zone_system FROM zones ORDER BY 1')).getRowsJS().map((r) => String(r[0]));
  const system = q.zoneSystem ?? systems[0] ?? null;
  if (q.zoneSystem !== null && !systems.includes(q.zoneSystem)) {
    throw new RangeError(`zone system "${q.zoneSystem}" is not loaded (loaded: ${systems.join(', ') || 'none'}); load it with citypulse zones load`);
  }
  const areas = system ? await zoneAreas(conn, run, system, q, windows) : await hexAreas(run, q, windows);

  const dl = await run('dq_dead_letters', { ...range, by: q.deadLettersBy });
  const hours = [...new Set(dl.map((r) => ms(r.hour)).filter((h): h is number => h !== null))].sort((a, b) => a - b);
  const reasons = [...new Set(dl.map((r) => String(r.reason)))].sort();
  const late = await run('dq_late_events', range);
  const silent = await run('dq_silent_cells', { at: q.toMs });
  return {
    day: q.day, timeZone: q.timeZone, fromMs: q.fromMs, toMs: q.toMs, k: q.k, city, peakMap, areas,
    quality: {
      deadLetters: {
        hours,
        reasons: reasons.map((name) => ({
          name,
          values: hours.map((h) => dl.filter((r) => ms(r.hour) === h && r.reason === name).reduce((s, r) => s + Number(r.dead_letters), 0)),
        })),
        total: dl.reduce((s, r) => s + Number(r.dead_letters), 0),
        withoutTime: dl.filter((r) => r.hour === null).reduce((s, r) => s + Number(r.dead_letters), 0),
      },
      lateEvents: late.map((r) => ({ hour: ms(r.hour)!, source: String(r.source), late: Number(r.late_events), medianS: num(r.median_lateness_s), maxS: num(r.max_lateness_s) })),
      silentCells: silent.map((r) => ({
        h3: String(r.h3_hex), referenceEvents: Number(r.reference_events), lastSeen: ms(r.last_seen), antennas: Array.isArray(r.antennas) ? r.antennas.map(String) : [],
      })),
    },
  };
}

type Run = (name: string, params: QueryParams) => Promise<Record<string, unknown>[]>;

async function zoneAreas(conn: DuckDBConnection, run: Run, system: string, q: DailyReportQuery, windows: number[]): Promise<DailyReportData['areas']> {
  const totals = await run('zone_totals', { zone_system: system, from: q.fromMs, to: q.toMs, k: q.k });
  const rows: AreaSummary[] = totals.map((t) => ({
    id: String(t.zone_id), name: String(t.zone_name), meanPresent: num(t.mean_present), peakPresent: num(t.peak_present),
    peakAt: ms(t.peak_window_start), perKm2: num(t.mean_per_km2), series: [],
  }));
  rows.sort(byMean);
  for (const row of rows.slice(0, q.maxAreaCharts)) {
    const ts = await run('zone_timeseries', { zone_system: system, zone: row.id, from: q.fromMs, to: q.toMs, k: q.k });
    const byWindow = new Map(ts.map((r) => [ms(r.window_start)!, num(r.present)]));
    row.series = windows.map((w) => [w, byWindow.get(w) ?? null]);
  }
  const geo = (await conn.runAndReadAll('SELECT geometry_geojson FROM zones WHERE zone_system = $s', { s: system })).getRowsJS();
  const outlines = geo.flatMap((r) => polygons(JSON.parse(String(r[0]))));
  return { kind: 'zones', label: system, rows, outlines };
}

async function hexAreas(run: Run, q: DailyReportQuery, windows: number[]): Promise<DailyReportData['areas']> {
  const cells = await run('heatmap', { from: q.fromMs, to: q.toMs, res: q.parentRes, k: q.k });
  const byHex = new Map<string, Map<number, number>>();
  for (const c of cells) {
    const hex = String(c.h3_hex);
    if (!byHex.has(hex)) byHex.set(hex, new Map());
    byHex.get(hex)!.set(ms(c.window_start)!, Number(c.present));
  }
  const rows: AreaSummary[] = [...byHex].map(([hex, series]) => {
    const values = [...series.values()];
    const peakAt = [...series].reduce((a, b) => (b[1] > a[1] ? b : a))[0];
    return {
      id: hex, name: hex, meanPresent: values.reduce((s, v) => s + v, 0) / values.length, peakPresent: Math.max(...values), peakAt, perKm2: null,
      series: windows.map((w) => [w, series.get(w) ?? null] as const),
    };
  });
  rows.sort(byMean);
  return { kind: 'h3', label: `H3 resolution ${q.parentRes}`, rows, outlines: [] };
}

function byMean(a: AreaSummary, b: AreaSummary): number {
  return (b.meanPresent ?? -1) - (a.meanPresent ?? -1) || a.id.localeCompare(b.id);
}

/** The polygons of a GeoJSON Polygon or MultiPolygon, as coordinate arrays. */
function polygons(g: { type: string; coordinates: unknown }): number[][][][] {
  if (g.type === 'Polygon') return [g.coordinates as number[][][]];
  if (g.type === 'MultiPolygon') return g.coordinates as number[][][][];
  return [];
}
