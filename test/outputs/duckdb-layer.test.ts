import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { latLngToCell, getResolution, isValidCell } from 'h3-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/outputs/duckdb/open.ts';
import { PRESENCE_COLUMNS, appendPresenceColumns } from '../../src/outputs/duckdb/presence-columns.ts';
import { STREAM_SCHEMA_SQL } from '../../src/outputs/duckdb/stream-schema.ts';
import { valueCodec } from '../../src/outputs/duckdb/value-codec.ts';
import { withAppender } from '../../src/outputs/duckdb/with-appender.ts';
import { withTransaction } from '../../src/outputs/duckdb/with-transaction.ts';
import { createLakeWriter } from '../../src/outputs/lake/index.ts';
import type { PresenceRow } from '../../src/core/presence-row.ts';

let db: Database;
beforeAll(async () => {
  db = await openDatabase(':memory:');
  await db.connection.run(STREAM_SCHEMA_SQL);
});
afterAll(() => db.close());

/** [name, type] of a table's or query's columns, as DuckDB describes them. */
async function describeColumns(what: string): Promise<[string, string][]> {
  const r = await db.connection.runAndReadAll(`SELECT column_name, column_type FROM (DESCRIBE ${what})`);
  return r.getRowsJS() as [string, string][];
}

describe('value codec', () => {
  it('converts hand-computed timestamps and cells both ways', async () => {
    // 2026-03-02T08:15:00.123Z = 1772439300123 ms.
    const ms = Date.UTC(2026, 2, 2, 8, 15, 0, 123);
    expect(ms).toBe(1772439300123);
    const v = valueCodec.timestampTZ(ms);
    expect(v.micros).toBe(1772439300123000n);
    expect(valueCodec.timestampTZToMs(v)).toBe(ms);
    const r = await db.connection.runAndReadAll('SELECT epoch_ms($t::TIMESTAMPTZ)::BIGINT, strftime($t::TIMESTAMPTZ AT TIME ZONE \'UTC\', \'%Y-%m-%dT%H:%M:%S.%g\')', { t: v });
    expect(r.getRowsJS()[0]).toEqual([1772439300123n, '2026-03-02T08:15:00.123']);

    // 0x0891f1d4_8177ffff = 0x0891f1d4 · 2^32 + 0x8177ffff = 143782356 · 4294967296 + 2172125183 = 617540518933954559.
    expect(valueCodec.h3ToUbigint('891f1d48177ffff')).toBe(617540518933954559n);
    expect(valueCodec.ubigintToH3(617540518933954559n)).toBe('891f1d48177ffff');
    // DuckDB reads the same number back as the hex text.
    const h = await db.connection.runAndReadAll('SELECT lower(hex($c::UBIGINT))', { c: valueCodec.h3ToUbigint('891f1d48177ffff') });
    expect(h.getRowsJS()[0]![0]).toBe('891f1d48177ffff'); // DuckDB's hex() drops leading zeros, like h3-js
  });

  it('appends instants to TIMESTAMPTZ columns unchanged, whatever the session time zone', async () => {
    // appendTimestampTZ takes DuckDB's native timestamp path; the stored instant must not move with
    // TimeZone (a cast that read the value as local time would shift it by the zone's offset).
    const instants = [0, -1, 1772439300123, Date.UTC(2026, 2, 29, 1, 30), Date.UTC(2026, 9, 25, 0, 59, 59, 999), -2_208_988_800_000, 4_102_444_800_000];
    for (const zone of ['UTC', 'America/New_York', 'Asia/Kolkata', 'Europe/Rome']) {
      const s = await openDatabase(':memory:');
      try {
        await s.connection.run(`SET TimeZone = '${zone}'`);
        await s.connection.run('CREATE TABLE t (i INTEGER, fast TIMESTAMPTZ, generic TIMESTAMPTZ)');
        await withAppender(s.connection, 't', (a) => {
          instants.forEach((ms, i) => {
            a.appendInteger(i);
            valueCodec.appendTimestampTZ(a, ms);
            a.appendTimestampTZ(valueCodec.timestampTZ(ms));
            a.endRow();
          });
        });
        const r = await s.connection.runAndReadAll('SELECT epoch_ms(fast)::BIGINT, epoch_ms(generic)::BIGINT FROM t ORDER BY i');
        expect(r.getRowsJS(), zone).toEqual(instants.map((ms) => [BigInt(ms), BigInt(ms)]));
      } finally {
        s.close();
      }
    }
  });

  it('rounds sub-millisecond timestamps down, also before 1970', () => {
    expect(valueCodec.timestampTZToMs({ micros: 1999n } as never)).toBe(1);
    expect(valueCodec.timestampTZToMs({ micros: -1n } as never)).toBe(-1);
    expect(valueCodec.timestampTZToMs({ micros: -1000n } as never)).toBe(-1);
    expect(valueCodec.timestampTZToMs({ micros: -1001n } as never)).toBe(-2);
  });

  it('round-trips random cells and instants', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -85, max: 85, noNaN: true }),
        fc.double({ min: -180, max: 180, noNaN: true }),
        fc.integer({ min: 0, max: 15 }),
        fc.integer({ min: -2_208_988_800_000, max: 4_102_444_800_000 }),
        (lat, lng, res, ms) => {
          const cell = latLngToCell(lat, lng, res);
          const back = valueCodec.ubigintToH3(valueCodec.h3ToUbigint(cell));
          expect(back).toBe(cell);
          expect(isValidCell(back) && getResolution(back)).toBe(res);
          expect(valueCodec.timestampTZToMs(valueCodec.timestampTZ(ms))).toBe(ms);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('one definition of the presence columns', () => {
  const expected: [string, string][] = [
    ['window_start', 'TIMESTAMP WITH TIME ZONE'],
    ['window_end', 'TIMESTAMP WITH TIME ZONE'],
    ['h3', 'UBIGINT'],
    ['res', 'UTINYINT'],
    ['present', 'INTEGER'],
    ['active', 'INTEGER'],
    ['events', 'INTEGER'],
  ];

  it('gives presence and presence_partials the same columns, in order', async () => {
    expect(PRESENCE_COLUMNS.map((c) => c.name)).toEqual(expected.map(([n]) => n));
    expect(await describeColumns('presence')).toEqual(expected);
    expect(await describeColumns('presence_partials')).toEqual([['topic', 'VARCHAR'], ['partition', 'INTEGER'], ...expected]);
  });

  it('gives the Parquet lake the same columns, and rows survive DuckDB → lake unchanged', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'citypulse-layer-'));
    try {
      const ws = Date.UTC(2026, 2, 2, 8, 0);
      const rows: PresenceRow[] = [
        { windowStart: ws, windowEnd: ws + 900_000, h3: latLngToCell(45.4642, 9.19, 9), res: 9, present: 41, active: 42, events: 97 },
        { windowStart: ws, windowEnd: ws + 900_000, h3: latLngToCell(45.48, 9.23, 9), res: 9, present: 0, active: 3, events: 3 },
      ];
      const lake = createLakeWriter({ dir });
      lake.onWindowsClosed(rows);
      await lake.flush(db.connection);
      await lake.afterCommit?.();
      await lake.close?.();
      const files = `read_parquet('${join(dir, 'presence', '**', '*.parquet')}', hive_partitioning = false)`;
      expect(await describeColumns(`SELECT * FROM ${files}`)).toEqual(expected);

      await db.connection.run('DELETE FROM presence');
      await withAppender(db.connection, 'presence', (a) => {
        for (const r of rows) {
          appendPresenceColumns(a, r);
          a.endRow();
        }
      });
      const diff = await db.connection.runAndReadAll(`(SELECT * FROM presence EXCEPT SELECT * FROM ${files}) UNION ALL (SELECT * FROM ${files} EXCEPT SELECT * FROM presence)`);
      expect(diff.getRowsJS()).toEqual([]);
      const read = await db.connection.runAndReadAll('SELECT epoch_ms(window_start), epoch_ms(window_end), h3, res, present, active, events FROM presence ORDER BY h3');
      const back = (read.getRowsJS() as [bigint, bigint, bigint, number, number, number, number][]).map(([s, e, h3, res, present, active, events]) => ({
        windowStart: Number(s), windowEnd: Number(e), h3: valueCodec.ubigintToH3(h3), res, present, active, events,
      }));
      expect(back).toEqual([...rows].sort((a, b) => (valueCodec.h3ToUbigint(a.h3) < valueCodec.h3ToUbigint(b.h3) ? -1 : 1)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('withTransaction', () => {
  it('commits what the body wrote, and rolls all of it back when the body throws', async () => {
    const conn = db.connection;
    await conn.run('CREATE OR REPLACE TABLE tx_probe (n INTEGER)');
    expect(await withTransaction(conn, async () => {
      await conn.run('INSERT INTO tx_probe VALUES (1), (2)');
      return 'done';
    })).toBe('done');
    await expect(withTransaction(conn, async () => {
      await conn.run('INSERT INTO tx_probe VALUES (3)');
      throw new Error('boom');
    })).rejects.toThrow('boom');
    const r = await conn.runAndReadAll('SELECT list(n ORDER BY n) FROM tx_probe');
    expect(r.getRowsJS()[0]![0]).toEqual([1, 2]);
    // The connection is usable again (no transaction left open).
    await conn.run('INSERT INTO tx_probe VALUES (4)');
    expect(Number((await conn.runAndReadAll('SELECT count(*) FROM tx_probe')).getRowsJS()[0]![0])).toBe(3);
  });
});
