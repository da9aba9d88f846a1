import { ensureMobilityTables, writeMobilityRecords } from '../../src/mobility/duckdb/write-mobility-records.ts';
import type { OdHourRow } from '../../src/mobility/engine/od-hour-row.ts';
import { openDatabase } from '../../src/outputs/duckdb/open.ts';
import { storeZoneSystem } from '../../src/outputs/duckdb/store-zone-system.ts';
import { mapZoneCells } from '../../src/zones/map-zone-cells.ts';
import { readZoneFeatures } from '../../src/zones/read-zone-features.ts';
import { dayEvents, runConsumer, type GenDay } from './track-helpers.ts';

/** Two zones split at 4 km east of the origin of the helper grid: West and East. */
export const ZONES = {
  type: 'FeatureCollection',
  features: [
    { type: 'Feature', properties: { id: 'W', name: 'West' }, geometry: { type: 'Polygon', coordinates: [[[9.15, 45.43], [9.2414, 45.43], [9.2414, 45.53], [9.15, 45.53], [9.15, 45.43]]] } },
    { type: 'Feature', properties: { id: 'E', name: 'East' }, geometry: { type: 'Polygon', coordinates: [[[9.2414, 45.43], [9.33, 45.43], [9.33, 45.53], [9.2414, 45.53], [9.2414, 45.43]]] } },
  ],
};

/** Commuters: 5 from (0,0) to (8,0) and back, 3 from (1,3) to (8,0), 2 from (8,0) to (0,3); staggered by device. */
function commuters(): GenDay {
  const day: GenDay = [];
  const add = (n: number, home: [number, number], work: [number, number], homeMin: number) => {
    for (let i = 0; i < n; i++) {
      day.push({
        places: [{ x: home[0], y: home[1], stayMin: homeMin + 7 * i }, { x: work[0], y: work[1], stayMin: 240 }, { x: home[0], y: home[1], stayMin: 120 }],
        gapMin: 20, pingPong: i % 2 === 0, fixes: i % 3 === 0,
      });
    }
  };
  add(5, [0, 0], [8, 0], 90);
  add(3, [1, 3], [8, 0], 60);
  add(2, [8, 0], [0, 3], 100);
  return day;
}

/**
 * Writes the commuters' stays, trips and streamed hourly OD (through the real consumer) into a DuckDB
 * file with the zone system `two`; resolves to the OD rows the consumer published.
 */
export async function buildCommuterDb(path: string): Promise<OdHourRow[]> {
  const r = runConsumer(dayEvents(commuters()));
  const d = await openDatabase(path);
  try {
    await ensureMobilityTables(d.connection);
    await writeMobilityRecords(d.connection, r.records);
    const { zones } = readZoneFeatures(ZONES);
    await storeZoneSystem(d.connection, 'two', mapZoneCells(zones, { res: 9 }));
  } finally {
    d.close();
  }
  return r.od;
}
