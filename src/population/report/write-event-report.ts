import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { readAreasFile } from '../../alerts/areas/read-areas-file.ts';
import { collectEventInput, type EventQuery } from '../duckdb/collect-event-input.ts';
import { buildEventReport } from './build-event-report.ts';
import type { EventReportData } from './event-report-data.ts';
import { renderEventReport } from './render-event-report.ts';

/** What to report and where (`citypulse report event`, the `event_report` job, the API route). */
export interface EventReportRequest extends Omit<EventQuery, 'area'> {
  /** Watched-areas GeoJSON file (the alerts' `--areas` file). */
  areasFile: string;
  areaId: string;
  /** HTML output; the JSON goes next to it (`.json`). Omit to only compute. */
  out?: string;
}

/** The base H3 resolution of the stored presence (9 when the table is empty). */
async function baseRes(conn: DuckDBConnection): Promise<number> {
  const r = (await conn.runAndReadAll('SELECT max(res) FROM presence')).getRowsJS()[0]![0];
  return r === null ? 9 : Number(r);
}

/**
 * Reads the area, collects the event from the database, builds the report and (with `out`) writes
 * `out` (HTML) and its `.json`. RangeErrors name what is missing (area id, tables).
 */
export async function writeEventReport(conn: DuckDBConnection, req: EventReportRequest): Promise<{ data: EventReportData; html?: string; json?: string }> {
  const areas = await readAreasFile(req.areasFile, await baseRes(conn));
  const area = areas.find((a) => a.id === req.areaId);
  if (!area) throw new RangeError(`--area ${req.areaId}: no such area in ${req.areasFile} (ids: ${areas.map((a) => a.id).join(', ')})`);
  const input = await collectEventInput(conn, { ...req, area });
  const data = buildEventReport(input);
  if (!req.out) return { data };
  const json = req.out.replace(/\.html?$/i, '') + '.json';
  mkdirSync(dirname(req.out), { recursive: true });
  writeFileSync(req.out, renderEventReport(data, req.config.timeZone));
  writeFileSync(json, JSON.stringify(data, null, 1) + '\n');
  return { data, html: req.out, json };
}
