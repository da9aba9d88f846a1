import type { DuckDBConnection } from '@duckdb/node-api';
import { cellToBoundary, cellToLatLng, cellToParent, getHexagonEdgeLengthAvg, getResolution, gridRingUnsafe, latLngToCell, UNITS } from 'h3-js';
import { readZoneLocator } from '../../outputs/duckdb/read-zone-locator.ts';
import type { DeviceCell } from '../engine/device-cell.ts';
import type { PlaceStay } from '../engine/place-stay.ts';

/** Where people are counted: a loaded zone system, or an H3 resolution (≤ the stay resolution). */
export type PopulationSpace = { zones: string } | { res: number };

/** What the population products read from a database written by ingest/stream. */
export interface PopulationInput {
  /** Stays overlapping `[from, to)`. */
  stays: PlaceStay[];
  /** Cells (res 8) each device was seen in on the days overlapping `[from, to)` (`device_cells`; empty when missing). */
  seen: DeviceCell[];
  /** MCC per device (`device_mcc`; empty when the table is missing). */
  mcc: Map<string, string>;
  /**
   * Zone of a place: the zone whose polygon holds its centre (lat, lng) — exact, not the res-9
   * `zone_cells` hexagon around it — or the H3 parent of its cell; null outside. In a zone system a
   * centre just outside every zone (within {@link ZONE_SNAP_M}) is in the nearest zone: place centres sit at the serving cell sites, and sites beyond the city's edge serve homes
   * inside it.
   */
  zoneOf: (h3: string, lat: number, lng: number) => string | null;
  /** Every zone of the space with its geometry (GeoJSON), for GeoJSON output and maps. */
  geometry: (zone: string) => object | null;
}

/** How far outside a zone system a place centre is still put in the nearest zone, m. */
export const ZONE_SNAP_M = 1000;

async function hasTable(conn: DuckDBConnection, t: string): Promise<boolean> {
  const r = await conn.runAndReadAll('SELECT count(*) FROM duckdb_tables() WHERE table_name = $t', { t });
  return Number(r.getRowsJS()[0]![0]) > 0;
}

/** What {@link readPopulationInput} may skip. */
export interface PopulationReadOptions {
  /**
   * Read `device_cells` into `seen` (the devices a population count needs beyond their stays). Default
   * true; an event report needs only stays and MCCs, and `device_cells` is the largest read (311 k
   * rows for the main job's day: most of its event report's time).
   */
  seen?: boolean;
  /** Keep the day of each `device_cells` row ({@link DeviceCell.dayEnd}), for counts per day. Default false. */
  seenByDay?: boolean;
}

/**
 * Reads stays overlapping `[from, to)`, device MCCs and the zone mapping. Throws a RangeError naming
 * what is missing (no `stays` table, unknown zone system) — the CLI turns it into a usage error.
 */
export async function readPopulationInput(
  conn: DuckDBConnection, space: PopulationSpace, from = -8.64e15, to = 8.64e15, options: PopulationReadOptions = {},
): Promise<PopulationInput> {
  if (!(await hasTable(conn, 'stays'))) throw new RangeError('the database has no stays table: ingest or stream with the trajectory layer first (docs/mobility.md)');
  const rows = (await conn.runAndReadAll(
    `SELECT device, epoch_ms(start_ts), epoch_ms(end_ts), lower(hex(h3)), lat, lng, source = 'cell' FROM stays
     WHERE epoch_ms(end_ts) > $from AND epoch_ms(start_ts) < $to ORDER BY device, start_ts`, { from, to })).getRowsJS();
  const stays: PlaceStay[] = rows.map(([device, s, e, h3, lat, lng, cellOnly]) => ({
    device: String(device), start: Math.max(Number(s), from), end: Math.min(Number(e), to), h3: String(h3), lat: Number(lat), lng: Number(lng), cellOnly: cellOnly === true,
  }));
  const mcc = new Map<string, string>();
  if (await hasTable(conn, 'device_mcc')) {
    for (const [d, m] of (await conn.runAndReadAll('SELECT device, mcc FROM device_mcc')).getRowsJS()) mcc.set(String(d), String(m));
  }
  const seen: DeviceCell[] = [];
  if (options.seen !== false && (await hasTable(conn, 'device_cells'))) {
    const byDay = options.seenByDay === true;
    const q = `SELECT DISTINCT device, lower(hex(h3))${byDay ? ', epoch_ms(day_end)' : ''} FROM device_cells
               WHERE epoch_ms(day_end) > $from AND epoch_ms(day_end) - 86400000 < $to ORDER BY 1, 2`;
    for (const [d, h, e] of (await conn.runAndReadAll(q, { from, to })).getRowsJS()) {
      const [lat, lng] = cellToLatLng(String(h));
      seen.push(byDay ? { device: String(d), h3: String(h), lat, lng, dayEnd: Number(e) } : { device: String(d), h3: String(h), lat, lng });
    }
  }
  if ('res' in space) {
    const res = space.res;
    return {
      stays, seen, mcc,
      zoneOf: (h3) => (getResolution(h3) >= res ? cellToParent(h3, res) : null),
      geometry: (zone) => ({ type: 'Polygon', coordinates: [cellToBoundary(zone, true).concat([cellToBoundary(zone, true)[0]!])] }),
    };
  }
  if (!(await hasTable(conn, 'zone_cells'))) throw new RangeError(`--zones ${space.zones}: no zone system is loaded (citypulse zones load)`);
  const cells = (await conn.runAndReadAll('SELECT lower(hex(h3)), zone_id FROM zone_cells WHERE zone_system = $z', { z: space.zones })).getRowsJS();
  if (cells.length === 0) throw new RangeError(`--zones ${space.zones}: no such zone system in the database (citypulse zones load)`);
  const byCell = new Map(cells.map(([h, z]) => [String(h), String(z)]));
  const zres = getResolution(String(cells[0]![0]));
  const memo = new Map<string, string | null>();
  const geo = new Map<string, object>();
  for (const [z, g] of (await conn.runAndReadAll('SELECT zone_id, geometry_geojson FROM zones WHERE zone_system = $z', { z: space.zones })).getRowsJS()) {
    geo.set(String(z), JSON.parse(String(g)) as object);
  }
  const locate = await readZoneLocator(conn, space.zones);
  const rings = Math.ceil(ZONE_SNAP_M / (Math.sqrt(3) * getHexagonEdgeLengthAvg(zres, UNITS.m)));
  /** Zone of the nearest mapped cell within {@link ZONE_SNAP_M} (by ring, ties to the most frequent zone, then smallest id). */
  const nearest = (c: string): string | null => {
    for (let k = 1; k <= rings; k++) {
      const n = new Map<string, number>();
      let ring: string[];
      try {
        ring = gridRingUnsafe(c, k);
      } catch {
        return null;
      }
      for (const r of ring) {
        const z = byCell.get(r);
        if (z !== undefined) n.set(z, (n.get(z) ?? 0) + 1);
      }
      if (n.size > 0) return [...n].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0];
    }
    return null;
  };
  return {
    stays, seen, mcc,
    zoneOf: (_h3, lat, lng) => {
      const exact = locate?.(lat, lng) ?? null;
      if (exact !== null) return exact;
      const c = latLngToCell(lat, lng, zres);
      let z = memo.get(c);
      if (z === undefined) memo.set(c, (z = byCell.get(c) ?? nearest(c)));
      return z;
    },
    geometry: (zone) => geo.get(zone) ?? null,
  };
}
