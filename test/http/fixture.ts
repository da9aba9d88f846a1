import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from '../support/cli.ts';

const KEY = { CITYPULSE_KEY: '5eed5eed5eed5eed5eed5eed5eed5eed' };
/** The Milan NIL districts beside the repository (attribution: Comune di Milano). */
export const NIL_DISTRICTS = new URL('../../../shared/data/milan/nil_districts.geojson', import.meta.url).pathname;

/** A 32-gon of `radiusM` around a point, as a GeoJSON ring [lon, lat]. */
export function disc(lat: number, lon: number, radiusM: number): number[][] {
  const ring = Array.from({ length: 32 }, (_, i) => {
    const a = (2 * Math.PI * i) / 32;
    return [lon + (radiusM * Math.sin(a)) / (111_320 * Math.cos((lat * Math.PI) / 180)), lat + (radiusM * Math.cos(a)) / 111_320];
  });
  return [...ring, ring[0]!];
}

async function run(args: string[]): Promise<void> {
  const r = await cli(args, KEY);
  if (r.code !== 0) throw new Error(`citypulse ${args.join(' ')} failed (${r.code}):\n${r.stderr}`);
}

/**
 * A day of a simulated Milan with `subscribers` devices through the real CLI: simulate on the NIL
 * districts → ingest with watched areas (1 km around each planted event, capacity below the expected
 * crowd, so alerts fire) → zones load as `milan_nil`. Resolves to the database path.
 */
export async function buildCityDb(dir: string, subscribers = 3_000, options: { roads?: boolean } = {}): Promise<string> {
  const sim = join(dir, 'sim');
  const db = join(dir, 'city.duckdb');
  await run(['simulate', '--out', sim, '--subscribers', String(subscribers), '--zones', NIL_DISTRICTS, '--seed', '7', ...(options.roads ? ['--roads'] : [])]);
  const scenarios = JSON.parse(readFileSync(join(sim, 'truth', 'scenarios.json'), 'utf8')) as { id: string; kind: string; zoneName: string; center: { lat: number; lon: number }; expectedPeople: number }[];
  const areas = {
    type: 'FeatureCollection',
    features: scenarios.map((s) => ({
      type: 'Feature',
      properties: { id: s.id, name: s.zoneName, capacity: Math.max(1, Math.round(s.expectedPeople * (s.kind === 'stadium' ? 0.8 : 2))) },
      geometry: { type: 'Polygon', coordinates: [disc(s.center.lat, s.center.lon, 1_000)] },
    })),
  };
  writeFileSync(join(dir, 'areas.geojson'), JSON.stringify(areas));
  await run(['ingest', '--from', join(sim, 'events.ndjson'), '--cells', join(sim, 'cells.csv'), '--db', db, '--areas', join(dir, 'areas.geojson')]);
  await run(['zones', 'load', NIL_DISTRICTS, '--name', 'milan_nil', '--db', db]);
  return db;
}

/** Window starts of {@link buildSmallDb}: Monday 2026-03-02 08:00 and 08:15 UTC. */
export const SMALL_W1 = Date.UTC(2026, 2, 2, 8, 0);
export const SMALL_W2 = SMALL_W1 + 15 * 60_000;

/**
 * A hand-made database: the 7 res-9 cells around Milan's Duomo (sorted) with known counts in two
 * windows — W1: 5, 9, 13, 17, 21, 25, 29; W2: 30, 27, 24, 21, 18, 15, 12 — and no alerts or zones.
 * Resolves to the cells.
 */
export async function buildSmallDb(path: string): Promise<string[]> {
  const { gridDisk, latLngToCell } = await import('h3-js');
  const { openDatabase } = await import('../../src/outputs/duckdb/open.ts');
  const { DuckDbSink } = await import('../../src/outputs/duckdb/duckdb-sink.ts');
  const cells = gridDisk(latLngToCell(45.4642, 9.19, 9), 1).sort();
  const db = await openDatabase(path);
  try {
    const sink = new DuckDbSink({ connection: db.connection });
    sink.presence(
      cells.flatMap((h3, i) => [
        { windowStart: SMALL_W1, windowEnd: SMALL_W2, h3, res: 9, present: 5 + 4 * i, active: i, events: 2 * i },
        { windowStart: SMALL_W2, windowEnd: SMALL_W2 + 15 * 60_000, h3, res: 9, present: 30 - 3 * i, active: i, events: i },
      ]),
    );
    await sink.flush();
  } finally {
    db.close();
  }
  return cells;
}
