import type { DuckDBConnection } from '@duckdb/node-api';
import { latLngToCell } from 'h3-js';
import type { WatchedArea } from '../../alerts/engine/watched-area.ts';
import { homeZone } from '../engine/classify-population.ts';
import { detectHomeWork } from '../engine/detect-home-work.ts';
import { mccCountry } from '../engine/mcc-countries.ts';
import type { ResolvedPopulationConfig } from '../engine/population-config.ts';
import { resolveHomeMcc } from '../engine/resolve-home-mcc.ts';
import { ZonedClock } from '../engine/zoned-clock.ts';
import type { EventReportInput } from '../report/build-event-report.ts';
import { readPopulationInput, type PopulationSpace } from './read-population-input.ts';

/** Options of {@link collectEventInput}. */
export interface EventQuery {
  area: WatchedArea;
  from: number;
  to: number;
  /** Start of the baseline span (same length); default: 7 days before, else 1 day before, else 1 day after, where presence exists. */
  baselineFrom?: number;
  /** Where attendees' homes are named (origins). */
  space: PopulationSpace;
  config: ResolvedPopulationConfig;
  homeMcc?: string;
  k: number;
  peoplePerDevice: number;
}

const DAY = 86_400_000;

async function occupancy(conn: DuckDBConnection, area: WatchedArea, from: number, to: number): Promise<[number, number][]> {
  const list = area.cells.map((c) => BigInt('0x' + c).toString()).join(',');
  const rows = (await conn.runAndReadAll(
    `SELECT epoch_ms(window_start) AS t, sum(present)::BIGINT FROM presence
     WHERE res = $res AND h3 IN (${list}) AND epoch_ms(window_start) >= $from AND epoch_ms(window_start) < $to GROUP BY 1 ORDER BY 1`,
    { res: area.resolution, from, to })).getRowsJS();
  return rows.map(([t, v]) => [Number(t), Number(v)]);
}

/**
 * Reads what an event report needs from a database written by ingest/stream with the trajectory
 * layer: the area's occupancy per window (table presence), its baseline, the stays whose centre lies
 * in the area's cells, and each attendee's origin (home over every stay in the database, or the
 * country of an inbound roamer).
 */
export async function collectEventInput(conn: DuckDBConnection, q: EventQuery): Promise<EventReportInput> {
  const occ = await occupancy(conn, q.area, q.from, q.to);
  const len = q.to - q.from;
  let baseline: EventReportInput['baseline'] = null;
  for (const b of q.baselineFrom !== undefined ? [q.baselineFrom] : [q.from - 7 * DAY, q.from - DAY, q.from + DAY]) {
    const o = await occupancy(conn, q.area, b, b + len);
    // Data over at least half the span's windows (a span touching the edge of the data is no baseline).
    if (o.length > 0 && (q.baselineFrom !== undefined || o.length >= Math.max(1, occ.length / 2))) {
      baseline = { from: b, occupancy: o };
      break;
    }
  }
  // Origins come from stays (home) and MCCs; the cells devices were seen in are not needed here.
  const all = await readPopulationInput(conn, q.space, undefined, undefined, { seen: false });
  const cells = new Set(q.area.cells);
  const stays = all.stays.filter((s) => s.end > q.from && s.start < q.to && cells.has(latLngToCell(s.lat, s.lng, q.area.resolution)));
  const attendees = new Set(stays.map((s) => s.device));
  const homeWork = detectHomeWork(all.stays.filter((s) => attendees.has(s.device)), q.config, new ZonedClock(q.config.timeZone));
  const home = resolveHomeMcc(q.homeMcc, all.mcc);
  const origin = new Map<string, string>();
  for (const h of homeWork) {
    const m = all.mcc.get(h.device);
    if (home && m !== undefined && m !== home.mcc) origin.set(h.device, mccCountry(m) ?? 'unknown');
    else origin.set(h.device, homeZone(h, all) ?? 'unknown');
  }
  return {
    area: { id: q.area.id, name: q.area.name, capacity: q.area.capacity },
    from: q.from, to: q.to, k: q.k, peoplePerDevice: q.peoplePerDevice,
    occupancy: occ, baseline, stays: stays.map((s) => ({ device: s.device, start: s.start, end: s.end })), origin,
  };
}
