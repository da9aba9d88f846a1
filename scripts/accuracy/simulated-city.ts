import { createReadStream } from 'node:fs';
import { mkdir, open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FeatureCollection } from 'geojson';
import type { DuckDBConnection } from '@duckdb/node-api';
import { runIngest, type IngestSummary } from '../../pipelines/run-ingest.ts';
import { lineBatches } from '../../src/ingest/sources/line-batches.ts';
import { CellTable } from '../../src/locate/cell-table.ts';
import type { StayPlacer } from '../../src/locate/stay-placer.ts';
import { openDatabase } from '../../src/outputs/duckdb/open.ts';
import { storeZoneSystem } from '../../src/outputs/duckdb/store-zone-system.ts';
import { Pseudonymiser } from '../../src/privacy/pseudonymiser.ts';
import { cellTableCsv } from '../../src/sim/city/cell-table-csv.ts';
import { zonesToGeoJson } from '../../src/sim/city/zones-to-geojson.ts';
import type { SimConfig } from '../../src/sim/sim-config.ts';
import { Simulation } from '../../src/sim/simulation.ts';
import type { TrueTrip, TruthSink } from '../../src/sim/truth/truth-sink.ts';
import { TRUTH_CSV } from '../../src/sim/truth/truth-csv.ts';
import type { DeviceConsumerPlugin } from '../../src/window/device-window.ts';
import { mapZoneCells } from '../../src/zones/map-zone-cells.ts';
import { readZoneFeatures } from '../../src/zones/read-zone-features.ts';

/** A simulated city written to disk, with its ground-truth trips. */
export interface SimulatedCity {
  dir: string;
  events: string;
  cells: CellTable;
  zones: FeatureCollection;
  /** Every true move (`truth/trips.csv`). */
  trips: TrueTrip[];
  /** The true trips under the OD semantics (`truth/od-zones.csv`: stays ≥ 15 min, > 1 km apart). */
  odTrips: TrueTrip[];
  records: number;
  sim: Simulation;
}

/**
 * Simulates `config` into `dir` (events.ndjson, cells.csv, zones.geojson) keeping the true trips in
 * memory; `truth` receives the other truth callbacks (e.g. population visits).
 */
export async function simulateCity(dir: string, config: SimConfig, truth: Omit<TruthSink, 'trip' | 'odTrip'> = {}): Promise<SimulatedCity> {
  await mkdir(dir, { recursive: true });
  const sim = new Simulation(config);
  const trips: TrueTrip[] = [], odTrips: TrueTrip[] = [];
  const events = join(dir, 'events.ndjson');
  const parts: string[] = [];
  let size = 0;
  const fh = await open(events, 'w');
  try {
    for (const chunk of sim.chunks({ ...truth, trip: (t) => trips.push(t), odTrip: (t) => odTrips.push(t) })) {
      const text = chunk.join('\n') + '\n';
      parts.push(text);
      size += text.length;
      if (size > 8 << 20) {
        await fh.write(parts.join(''));
        parts.length = 0;
        size = 0;
      }
    }
    await fh.write(parts.join(''));
  } finally {
    await fh.close();
  }
  await writeFile(join(dir, 'trips.csv'), TRUTH_CSV.trips.header + trips.map((t) => TRUTH_CSV.trips.row(t)).join(''));
  const csv = cellTableCsv(sim.city.cells);
  await writeFile(join(dir, 'cells.csv'), csv);
  const zones = zonesToGeoJson(sim.city.zones);
  await writeFile(join(dir, 'zones.geojson'), JSON.stringify(zones));
  return { dir, events, cells: CellTable.fromCsv(csv, 9), zones, trips, odTrips, records: sim.stats.records, sim };
}

/** A fixed key: the accuracy run links pseudonyms back to the simulator's IMSIs, nothing leaves it. */
export const ACCURACY_PSEUDONYMISER = new Pseudonymiser({ key: new TextEncoder().encode('citypulse-accuracy-run-key-0001') });

/** Ingests a simulated city's file into `dbPath` with the given device consumers. */
export async function ingestCity(city: SimulatedCity, dbPath: string, deviceConsumers: DeviceConsumerPlugin<unknown, DuckDBConnection>[]): Promise<IngestSummary> {
  const db = await openDatabase(dbPath);
  try {
    return await runIngest({
      cells: city.cells,
      pseudonymiser: ACCURACY_PSEUDONYMISER,
      connection: db.connection,
      batches: lineBatches(createReadStream(city.events, { highWaterMark: 1 << 20 })),
      sourceName: city.events,
      deviceConsumers,
    });
  } finally {
    db.close();
  }
}

/** Loads the city's zones into `dbPath` as zone system `name`. */
export async function loadCityZones(city: SimulatedCity, dbPath: string, name: string): Promise<void> {
  const db = await openDatabase(dbPath);
  try {
    const { zones } = readZoneFeatures(city.zones, { idProp: 'id', nameProp: 'name' });
    await storeZoneSystem(db.connection, name, mapZoneCells(zones, { res: 9, onOverlap: 'first' }));
  } finally {
    db.close();
  }
}

/** The cell table's stay placer, unless CP_PLACER=off (to measure without it). */
export function placerOf(cells: CellTable): StayPlacer | undefined {
  return process.env.CP_PLACER === 'off' ? undefined : cells.stayPlacer();
}
