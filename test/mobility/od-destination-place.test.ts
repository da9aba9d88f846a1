import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { latLngToCell } from 'h3-js';
import { afterAll, describe, expect, it } from 'vitest';
import { queryOdHourly } from '../../src/mobility/duckdb/query-od-hourly.ts';
import { ensureMobilityTables, writeMobilityRecords } from '../../src/mobility/duckdb/write-mobility-records.ts';
import type { Stay } from '../../src/mobility/engine/stay.ts';
import type { Trip } from '../../src/mobility/engine/trip.ts';
import { openDatabase } from '../../src/outputs/duckdb/open.ts';
import { storeZoneSystem } from '../../src/outputs/duckdb/store-zone-system.ts';
import { mapZoneCells } from '../../src/zones/map-zone-cells.ts';
import { readZoneFeatures } from '../../src/zones/read-zone-features.ts';
import { ZONES } from './commuter-db.ts';
import { H, M, T0 } from './track-helpers.ts';

// The zones of commuter-db: West | East split at lng 9.2414 (4 km east of the helper grid's origin).
const LAT = 45.46, WEST = 9.19, NEAR_BORDER_W = 9.2385, NEAR_BORDER_E = 9.2445;
const dir = mkdtempSync(join(tmpdir(), 'od-dest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function stay(device: string, start: number, end: number, lat: number, lng: number): Stay {
  return { device, start, end, lastTs: end, h3: latLngToCell(lat, lng, 8), lat, lng, events: 5, oscillations: 0, source: 'cell', endReason: 'departure' };
}
function trip(device: string, departTs: number, arriveTs: number, dLat: number, dLng: number): Trip {
  return {
    device, origin: latLngToCell(LAT, WEST, 8), destination: latLngToCell(dLat, dLng, 8), departTs, arriveTs, departUncertaintyMs: 0,
    distanceM: 3700, originLat: LAT, originLng: WEST, destinationLat: dLat, destinationLng: dLng,
  };
}

describe('where a consecutive trip ends in queryOdHourly', () => {
  it('at its destination stay\'s recorded place once the stay ended, else as emitted; `trip` keeps the emitted place', async () => {
    // d1's trip was emitted with the destination just west of the border (its place when confirmed);
    // the stay, when it ended, was placed just east of it (the whole stay's evidence). d2's
    // destination stay has not ended (no stay row): its trip counts where it was emitted, West.
    const t8 = T0 + 8 * H;
    const db = await openDatabase(join(dir, 'od.duckdb'));
    try {
      await ensureMobilityTables(db.connection);
      await writeMobilityRecords(db.connection, [
        { table: 'stays', row: stay('d1', T0, t8, LAT, WEST) },
        { table: 'trips', row: trip('d1', t8, t8 + 20 * M, LAT, NEAR_BORDER_W) },
        { table: 'stays', row: stay('d1', t8 + 20 * M, t8 + 9 * H, LAT, NEAR_BORDER_E) },
        { table: 'stays', row: stay('d2', T0, t8, LAT, WEST) },
        { table: 'trips', row: trip('d2', t8, t8 + 30 * M, LAT, NEAR_BORDER_W) },
      ]);
      await storeZoneSystem(db.connection, 'two', mapZoneCells(readZoneFeatures(ZONES).zones, { res: 9 }));
      const pairs = async (destinationPlace?: 'stay' | 'trip') =>
        (await queryOdHourly(db.connection, { space: { zones: 'two' }, variant: 'consecutive', destinationPlace })).cells
          .map((c) => [c.origin, c.destination, c.hour - T0, c.trips]);
      expect(await pairs()).toEqual([['W', 'E', 8 * H, 1], ['W', 'W', 8 * H, 1]]);
      expect(await pairs('trip')).toEqual([['W', 'W', 8 * H, 2]]);
      // On H3 cells too: the stay's res-8 cell.
      const cells = (await queryOdHourly(db.connection, { space: { res: 8 }, variant: 'consecutive' })).cells.map((c) => c.destination).sort();
      expect(cells).toEqual([latLngToCell(LAT, NEAR_BORDER_E, 8), latLngToCell(LAT, NEAR_BORDER_W, 8)].sort());
    } finally {
      db.close();
    }
  });
});
