import { centroid } from '@turf/turf';
import type { DuckDBConnection } from '@duckdb/node-api';
import { cellToLatLng } from 'h3-js';
import type { OdBy, OdVariant } from '../engine/od-cell.ts';
import { queryOdHourly, type OdSpace } from '../duckdb/query-od-hourly.ts';
import { releaseOd } from '../release/release-od.ts';
import type { OdExportRow } from './od-export-row.ts';

/** What to export. */
export interface OdExportRequest {
  space: OdSpace;
  variant: OdVariant;
  by: OdBy;
  /** Release threshold: no value below k leaves (and differences are 0 or ≥ k). */
  k: number;
  /** Share of the population that are the operator's subscribers, (0, 1]; trips_expanded = trips / share. Default 1. */
  marketShare?: number;
  from?: number;
  to?: number;
}

/** The released rows and what the release withheld. */
export interface OdExport {
  rows: OdExportRow[];
  /** True trips in the period (inside the zone system). */
  trueTrips: number;
  /** Trips of pairs/periods not released (below k, or remainders below k). */
  withheld: number;
  /** Trips with an end outside every zone. */
  outside: number;
}

/**
 * Builds an OD export from a database with `trips`/`stays`: true hourly counts → differencing-safe
 * release at `by` → centroids of the ends (zone polygon centroid, or H3 cell centre).
 */
export async function buildOdExport(conn: DuckDBConnection, req: OdExportRequest): Promise<OdExport> {
  const share = req.marketShare ?? 1;
  if (!(share > 0 && share <= 1)) throw new RangeError(`market share must be in (0, 1], got ${share}`);
  const { cells, outside } = await queryOdHourly(conn, { space: req.space, variant: req.variant, from: req.from, to: req.to });
  const released = releaseOd(cells, req.by, req.k);
  const centre = await centroids(conn, req.space);
  const rows = released.map((r): OdExportRow => {
    const [oLat, oLng] = centre(r.origin), [dLat, dLng] = centre(r.destination);
    return {
      ...r, tripsExpanded: Math.round((r.trips / share) * 10) / 10,
      originLat: oLat, originLng: oLng, destinationLat: dLat, destinationLng: dLng,
    };
  });
  const trueTrips = cells.reduce((s, c) => s + c.trips, 0);
  const releasedTotal = releaseOd(cells, 'total', req.k).reduce((s, r) => s + r.trips, 0);
  return { rows, trueTrips, withheld: trueTrips - releasedTotal, outside };
}

async function centroids(conn: DuckDBConnection, space: OdSpace): Promise<(id: string) => [number, number]> {
  if ('res' in space) return (id) => cellToLatLng(id);
  const rows = (await conn.runAndReadAll('SELECT zone_id, geometry_geojson FROM zones WHERE zone_system = $z', { z: space.zones })).getRowsJS();
  const m = new Map<string, [number, number]>();
  for (const [id, geo] of rows) {
    const [lng, lat] = centroid(JSON.parse(String(geo))).geometry.coordinates as [number, number];
    m.set(String(id), [lat, lng]);
  }
  return (id) => m.get(id) ?? [NaN, NaN];
}
