import type { DuckDBConnection } from '@duckdb/node-api';
import { valueCodec } from '../../outputs/duckdb/value-codec.ts';
import { withAppender } from '../../outputs/duckdb/with-appender.ts';
import { unitOfElement } from '../release/released-totals.ts';
import type { ComputedReleases } from './compute-releases.ts';
import { releaseCost, type ReleaseCostRow } from './release-cost.ts';
import { RELEASE_TABLES_SQL } from './release-tables.ts';

/** Zone systems as base cell → zone id, per system. */
export type { ZoneCellMaps } from './zone-cell-maps.ts';
import type { ZoneCellMaps } from './zone-cell-maps.ts';

/** Reads `zone_cells` of `conn` (empty when the table is missing). */
export async function readZoneCells(conn: DuckDBConnection): Promise<ZoneCellMaps> {
  const maps: ZoneCellMaps = new Map();
  const exists = (await conn.runAndReadAll(`SELECT count(*)::INTEGER FROM duckdb_tables() WHERE table_name = 'zone_cells'`)).getRowsJS()[0]![0] as number;
  if (!exists) return maps;
  for (const [system, zone, h3] of (await conn.runAndReadAll('SELECT zone_system, zone_id, h3 FROM zone_cells')).getRowsJS() as [string, string, bigint][]) {
    let m = maps.get(system);
    if (!m) maps.set(system, (m = new Map()));
    m.set(h3, zone);
  }
  return maps;
}

/** Options of {@link writeReleases}. */
export interface WriteReleasesOptions {
  /** Create the tables as TEMP tables (beside a read-only raw database). Default false. */
  temp?: boolean;
  strategy: string;
  dpEpsilon?: number;
  k: number;
}

/**
 * Writes releases into `conn`: `release_elements`, their zone memberships for every zone system of
 * `zones` (an element belongs to a zone only when all its cells lie in it), `release_meta` and the cost
 * table (`release_cost`: share of people withheld per resolution and per zone system). Replaces what
 * was there. Resolves to the cost rows.
 */
export async function writeReleases(conn: DuckDBConnection, computed: ComputedReleases, zones: ZoneCellMaps, options: WriteReleasesOptions): Promise<ReleaseCostRow[]> {
  for (const [name, ddl] of Object.entries(RELEASE_TABLES_SQL)) {
    await conn.run(`DROP TABLE IF EXISTS ${options.temp ? 'temp.' : ''}${name}`);
    await conn.run(options.temp ? ddl.replace('CREATE TABLE IF NOT EXISTS', 'CREATE TEMP TABLE') : ddl);
  }
  const catalog = options.temp ? 'temp' : null;
  await withAppender(
    conn,
    'release_elements',
    (a) => {
      for (const w of computed.windows) {
        for (const e of w.release.elements) {
          valueCodec.appendTimestampTZ(a, w.start);
          valueCodec.appendTimestampTZ(a, w.end);
          a.appendInteger(e.id);
          a.appendUBigInt(e.anchor);
          a.appendInteger(e.anchorLevel);
          a.appendBigInt(BigInt(e.count));
          a.endRow();
        }
      }
    },
    null,
    catalog,
  );
  await withAppender(
    conn,
    'release_element_zones',
    (a) => {
      for (const w of computed.windows) {
        for (const [system, cells] of zones) {
          for (const e of w.release.elements) {
            const zone = unitOfElement(e, (c) => cells.get(c));
            if (zone === undefined) continue;
            valueCodec.appendTimestampTZ(a, w.start);
            a.appendInteger(e.id);
            a.appendVarchar(system);
            a.appendVarchar(zone);
            a.endRow();
          }
        }
      }
    },
    null,
    catalog,
  );
  const cost = releaseCost(computed, zones);
  await withAppender(
    conn,
    'release_cost',
    (a) => {
      for (const r of cost) {
        a.appendVarchar(r.unit);
        a.appendBigInt(BigInt(r.people));
        a.appendBigInt(BigInt(r.released));
        a.appendDouble(r.withheldPct);
        a.endRow();
      }
    },
    null,
    catalog,
  );
  const people = computed.windows.reduce((s, w) => s + w.release.total, 0);
  const withheld = computed.windows.reduce((s, w) => s + w.release.withheld, 0);
  await conn.run(
    `INSERT INTO ${options.temp ? 'temp.' : ''}release_meta VALUES ($k, $strategy, $base, $top, $eps, $windows, $people, $withheld, now())`,
    { k: options.k, strategy: options.strategy, base: computed.baseRes ?? 0, top: computed.topRes ?? 0, eps: options.dpEpsilon ?? null, windows: computed.windows.length, people, withheld },
  );
  return cost;
}
