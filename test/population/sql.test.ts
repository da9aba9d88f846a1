import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MOBILITY_TABLES_SQL } from '../../src/mobility/duckdb/mobility-schema.ts';
import { openDatabase, type Database } from '../../src/outputs/duckdb/open.ts';
import { POPULATION_TABLES_SQL } from '../../src/population/duckdb/population-schema.ts';
import { loadQuery, runQuery } from '../../src/sql/index.ts';

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
