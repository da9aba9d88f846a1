import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/outputs/duckdb/open.ts';
import { ensurePopulationTables, writeDeviceMcc } from '../../src/population/duckdb/write-device-mcc.ts';

const T = Date.UTC(2026, 5, 1);
const H = 3_600_000;

describe('writeDeviceMcc', () => {
  it('inserts new devices, keeps a known device’s MCC and only moves last_seen forward, inside a transaction', async () => {
    const db = await openDatabase(':memory:');
    try {
      const c = db.connection;
      await ensurePopulationTables(c);
      await writeDeviceMcc(c, [
        { device: 'a', mcc: '222', seen: T },
        { device: 'b', mcc: '208', seen: T + H },
        { device: 'a', mcc: '222', seen: T + 2 * H }, // the same device twice in one batch
      ]);
      await c.run('BEGIN');
      await writeDeviceMcc(c, [
        { device: 'a', mcc: '999', seen: T + H }, // older than stored: last_seen stays, MCC stays
        { device: 'b', mcc: '208', seen: T + 5 * H },
        { device: 'c', mcc: '262', seen: T + 3 * H },
      ]);
      await c.run('COMMIT');
      await writeDeviceMcc(c, []);
      const rows = (await c.runAndReadAll(`SELECT device, mcc, epoch_ms(last_seen) FROM device_mcc ORDER BY device`)).getRowsJS();
      expect(rows).toEqual([
        ['a', '222', BigInt(T + 2 * H)],
        ['b', '208', BigInt(T + 5 * H)],
        ['c', '262', BigInt(T + 3 * H)],
      ]);
    } finally {
      db.close();
    }
  });

  it('keeps one row per device without a primary key, and still writes a database made with one', async () => {
    for (const withKey of [false, true]) {
      const db = await openDatabase(':memory:');
      try {
        const c = db.connection;
        if (withKey) await c.run(`CREATE TABLE device_mcc (device VARCHAR PRIMARY KEY, mcc VARCHAR NOT NULL, last_seen TIMESTAMPTZ)`);
        await ensurePopulationTables(c);
        const keyed = (await c.runAndReadAll(`SELECT count(*) FROM duckdb_constraints() WHERE table_name = 'device_mcc' AND constraint_type = 'PRIMARY KEY'`)).getRowsJS()[0]![0];
        expect(keyed, `primary key (${withKey})`).toBe(withKey ? 1n : 0n);
        for (let day = 0; day < 3; day++) await writeDeviceMcc(c, Array.from({ length: 50 }, (_, i) => ({ device: `d${(i + 20 * day) % 70}`, mcc: '222', seen: T + day * 24 * H + i })));
        const [[rows, devices, last]] = (await c.runAndReadAll(`SELECT count(*), count(DISTINCT device), max(epoch_ms(last_seen)) FILTER (device = 'd40') FROM device_mcc`)).getRowsJS() as [bigint, bigint, bigint][];
        // d40 is written on day 0 (i = 40), day 1 (i = 20) and day 2 (i = 0): its last write wins.
        expect([rows, devices, last], `primary key (${withKey})`).toEqual([70n, 70n, BigInt(T + 2 * 24 * H)]);
      } finally {
        db.close();
      }
    }
  });

  it('writes the first window of a large city in one go (200,000 devices, then all of them again a day later)', async () => {
    const db = await openDatabase(':memory:');
    try {
      const c = db.connection;
      await ensurePopulationTables(c);
      const n = 200_000;
      const batch = (seen: number) => Array.from({ length: n }, (_, i) => ({ device: `d${i}`, mcc: i % 10 === 0 ? '208' : '222', seen }));
      await writeDeviceMcc(c, batch(T));
      await writeDeviceMcc(c, batch(T + 24 * H));
      const [[count, roamers, oldest]] = (await c.runAndReadAll(`SELECT count(*), count(*) FILTER (mcc = '208'), min(epoch_ms(last_seen)) FROM device_mcc`)).getRowsJS() as [bigint, bigint, bigint][];
      expect([count, roamers, oldest]).toEqual([BigInt(n), BigInt(n / 10), BigInt(T + 24 * H)]);
    } finally {
      db.close();
    }
  });
});
