import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MOBILITY_TABLES_SQL } from '../../src/mobility/duckdb/mobility-schema.ts';
import { openDatabase, type Database } from '../../src/outputs/duckdb/open.ts';
import { POPULATION_TABLES_SQL } from '../../src/population/duckdb/population-schema.ts';
import { loadQuery, runQuery, type QueryParams } from '../../src/sql/index.ts';

let db: Database;
beforeAll(async () => {
  db = await openDatabase(':memory:');
  await db.connection.run(MOBILITY_TABLES_SQL);
  await db.connection.run(POPULATION_TABLES_SQL);
  // Mon: 3 French (208) with a stay, 1 German (262), 2 domestic (222); Tue: 2 of the French again.
  const stay = (d: string, day: number) => `('${d}', TIMESTAMPTZ '2026-03-0${2 + day}T10:00:00Z', TIMESTAMPTZ '2026-03-0${2 + day}T12:00:00Z', TIMESTAMPTZ '2026-03-0${2 + day}T12:00:00Z', 1, 45, 9, 5, 0, 'cell', 'departure')`;
  await db.connection.run(`INSERT INTO stays VALUES ${['f1', 'f2', 'f3', 'g1', 'i1', 'i2'].map((d) => stay(d, 0)).join(',')}, ${stay('f1', 1)}, ${stay('f2', 1)}, ${stay('f1', 1)}`);
  await db.connection.run(`INSERT INTO device_mcc (device, mcc) VALUES ('f1','208'),('f2','208'),('f3','208'),('g1','262'),('i1','222'),('i2','222')`);
});
afterAll(() => db.close());

describe('sql/roamers_by_mcc.sql', () => {
  it('hand-computed: distinct roamer devices per day and MCC, below k left out', async () => {
    const r = await runQuery(db.connection, loadQuery('roamers_by_mcc'), { k: 2 });
    expect(r.rows.map(([day, mcc, n]) => [String(day).slice(0, 10), mcc, Number(n)])).toEqual([
      ['2026-03-02', '208', 3],
      ['2026-03-03', '208', 2],
    ]);
    // Seen from a French network: the 2 Italian devices are the roamers, the single German one is below k.
    const fr = await runQuery(db.connection, loadQuery('roamers_by_mcc'), { k: 2, home_mcc: '208' });
    expect(fr.rows.map(([, mcc, n]) => [mcc, Number(n)])).toEqual([['222', 2]]);
  });
});

describe('sql/area_visitors_by_origin.sql', () => {
  it('hand-computed: partial rows summed, origins below k pooled into other, a window whose pool is in [1, k) left out whole', async () => {
    const w = (h: number) => `TIMESTAMPTZ '2026-03-02T${String(h).padStart(2, '0')}:00:00Z', TIMESTAMPTZ '2026-03-02T${String(h).padStart(2, '0')}:15:00Z'`;
    // 10:00: Z1 20 + 10 (two partitions), Z2 5, FR 3 → pool 8 in [1, 20): withheld whole.
    // 11:00: Z1 25, Z2 12, FR 10 → pool 22: Z1 25, other 22. 12:00: Z1 40. Area B is another area.
    await db.connection.run(`INSERT INTO area_visitors VALUES
      (${w(10)}, 'A', 'Z1', 20), (${w(10)}, 'A', 'Z1', 10), (${w(10)}, 'A', 'Z2', 5), (${w(10)}, 'A', 'FR', 3),
      (${w(11)}, 'A', 'Z1', 25), (${w(11)}, 'A', 'Z2', 12), (${w(11)}, 'A', 'FR', 10),
      (${w(12)}, 'A', 'Z1', 40), (${w(12)}, 'B', 'Z1', 99)`);
    const rows = async (params: QueryParams) => (await runQuery(db.connection, loadQuery('area_visitors_by_origin'), params)).rows
      .map(([s, , o, v]) => [(s as Date).toISOString().slice(11, 16), o, Number(v)]);
    expect(await rows({ area: 'A' })).toEqual([['11:00', 'Z1', 25], ['11:00', 'other', 22], ['12:00', 'Z1', 40]]);
    // k = 5: at 10:00 only FR (3) is below k, a pool in [1, 5): still withheld; at 11:00 every origin is released.
    expect(await rows({ area: 'A', k: 5 })).toEqual([['11:00', 'Z1', 25], ['11:00', 'Z2', 12], ['11:00', 'FR', 10], ['12:00', 'Z1', 40]]);
    expect(await rows({ area: 'A', from: '2026-03-02T12:00:00Z' })).toEqual([['12:00', 'Z1', 40]]);
    await expect(runQuery(db.connection, loadQuery('area_visitors_by_origin'), {})).rejects.toThrow(/missing parameter area/);
  });
});
