import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { latLngToCell } from 'h3-js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/outputs/duckdb/open.ts';
import { compactLake, createLakeWriter, type LakeConfig } from '../../src/outputs/lake/index.ts';
import { loadQuery, runQuery } from '../../src/sql/index.ts';
import type { PresenceRow } from '../../src/core/presence-row.ts';

const M = 60_000;
const H = 60 * M;
const T = Date.UTC(2026, 2, 2, 8, 0);
const CELLS = [latLngToCell(45.4642, 9.19, 9), latLngToCell(45.48, 9.23, 9), latLngToCell(45.44, 9.16, 9)];

/** Rows of one 15-minute window starting at `ws`: `present` per cell (in H3 order, as the engine emits them). */
function windowRows(ws: number, present: number[]): PresenceRow[] {
  return [...CELLS]
    .sort()
    .slice(0, present.length)
    .map((h3, i) => ({ windowStart: ws, windowEnd: ws + 15 * M, h3, res: 9, present: present[i]!, active: present[i]! + 1, events: 2 * present[i]! }));
}

/** Windows 08:00, 08:15 (hour 08) and 09:00 (hour 09). */
const BATCH = [...windowRows(T, [30, 20, 25]), ...windowRows(T + 15 * M, [10, 40]), ...windowRows(T + H, [5])];

let db: Database;
let dir: string;
beforeAll(async () => {
  db = await openDatabase(':memory:');
});
afterAll(() => db.close());
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'citypulse-lake-'));
  return () => rmSync(dir, { recursive: true, force: true });
});

/** Feeds rows to a fresh writer, one flush per batch; `perWindow` makes one batch per window (a batch always holds whole windows). */
async function write(rows: PresenceRow[], config: Partial<LakeConfig> = {}, perWindow = false): Promise<void> {
  const lake = createLakeWriter({ dir, ...config });
  const batches = perWindow ? [...new Set(rows.map((r) => r.windowStart))].map((ws) => rows.filter((r) => r.windowStart === ws)) : [rows];
  try {
    for (const batch of batches) {
      lake.onWindowsClosed(batch);
      await lake.flush(db.connection);
      await lake.afterCommit?.();
    }
  } finally {
    await lake.close?.();
  }
}

/** Reads the whole lake back as any engine would. */
async function readLake(): Promise<{ rows: unknown[][]; types: string[] }> {
  const r = await db.connection.runAndReadAll(
    `SELECT epoch_ms(window_start) AS ws, epoch_ms(window_end) AS we, h3, res, present, active, events, date, hour
     FROM read_parquet('${dir}/presence/**/*.parquet', hive_partitioning = true, hive_types = {'hour': INTEGER}) ORDER BY ws, h3`,
  );
  return { rows: r.getRowsJS(), types: r.columnTypes().map(String) };
}

const expected = (rows: PresenceRow[]) =>
  [...rows]
    .sort((a, b) => a.windowStart - b.windowStart || (BigInt('0x' + a.h3) < BigInt('0x' + b.h3) ? -1 : 1))
    .map((r) => {
      const d = new Date(r.windowStart);
      return [BigInt(r.windowStart), BigInt(r.windowEnd), BigInt('0x' + r.h3), r.res, r.present, r.active, r.events, new Date(d.toISOString().slice(0, 10)), d.getUTCHours()];
    });

const files = (date: string, hour: string) => readdirSync(join(dir, 'presence', `date=${date}`, `hour=${hour}`)).sort();

describe('lake writer', () => {
  it('writes one Parquet file per window into hive partitions; read_parquet reads it back with h3 as UBIGINT', async () => {
    await write(BATCH);
    expect(files('2026-03-02', '08')).toEqual(['part-20260302T080000Z-0.parquet', 'part-20260302T081500Z-0.parquet']);
    expect(files('2026-03-02', '09')).toEqual(['part-20260302T090000Z-0.parquet']);
    const back = await readLake();
    expect(back.rows).toEqual(expected(BATCH));
    expect(back.types.slice(2)).toEqual(['UBIGINT', 'UTINYINT', 'INTEGER', 'INTEGER', 'INTEGER', 'DATE', 'INTEGER']);
    // Without hive_types, hour=08 reads as the text '08'.
    const plain = await db.connection.runAndReadAll(`SELECT DISTINCT hour FROM read_parquet('${dir}/presence/**/*.parquet', hive_partitioning = true) ORDER BY 1`);
    expect(plain.getRowsJS()).toEqual([['08'], ['09']]);
  });

  it('a replay overwrites the same files: no duplicates, whatever the batching', async () => {
    await write(BATCH);
    await write(BATCH, {}, true);
    await write(BATCH.slice(0, 3));
    expect((await readLake()).rows).toEqual(expected(BATCH));
    expect(readdirSync(join(dir, 'presence', 'date=2026-03-02', 'hour=08')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('splits a large window into parts, and a replay with fewer parts removes the extra ones', async () => {
    await write(BATCH, { maxRowsPerFile: 2 });
    expect(files('2026-03-02', '08')).toEqual(['part-20260302T080000Z-0.parquet', 'part-20260302T080000Z-1.parquet', 'part-20260302T081500Z-0.parquet']);
    await write(BATCH);
    expect(files('2026-03-02', '08')).toEqual(['part-20260302T080000Z-0.parquet', 'part-20260302T081500Z-0.parquet']);
    expect((await readLake()).rows).toEqual(expected(BATCH));
  });

  it('the sql/ queries run on the lake through a view', async () => {
    await write(BATCH);
    const scratch = await openDatabase(':memory:', { createSchema: false });
    try {
      await scratch.connection.run(`CREATE VIEW presence AS SELECT * EXCLUDE (date, hour) FROM read_parquet('${dir}/presence/**/*.parquet', hive_partitioning = true)`);
      const r = await runQuery(scratch.connection, loadQuery('heatmap'), { res: 9, k: 20 });
      // the release at k = 20 (docs/privacy.md): 08:00's three cells are elements; at 08:15 the 10 passes
      // up and, at res 5, takes the 40 of the same res-5 hexagon, so no res-9 cell shows; 09:00's 5 is withheld
      expect(r.rows.map((row) => row[5])).toEqual([30n, 20n, 25n]);
    } finally {
      scratch.close();
    }
  });
});

describe('compactLake', () => {
  it('merges old hours into compacted.parquet, leaves recent hours alone, is idempotent', async () => {
    await write(BATCH);
    writeFileSync(join(dir, 'presence', 'date=2026-03-02', 'hour=08', 'part-x.parquet.tmp'), 'half a file');
    const result = await compactLake(dir, { olderThanHours: 1, now: T + 2 * H });
    expect(result).toEqual({ partitions: 1, filesMerged: 2, rows: 5 });
    expect(files('2026-03-02', '08')).toEqual(['compacted.parquet']);
    expect(files('2026-03-02', '09')).toEqual(['part-20260302T090000Z-0.parquet']);
    expect((await readLake()).rows).toEqual(expected(BATCH));
    expect(await compactLake(dir, { olderThanHours: 1, now: T + 2 * H })).toEqual({ partitions: 0, filesMerged: 0, rows: 0 });
    expect((await compactLake(dir, { olderThanHours: 0, now: T + 2 * H })).partitions).toBe(1);
    expect(files('2026-03-02', '09')).toEqual(['compacted.parquet']);
    expect((await readLake()).rows).toEqual(expected(BATCH));
  });

  it('a replay into a compacted hour replaces that window inside compacted.parquet', async () => {
    await write(BATCH);
    await compactLake(dir, { olderThanHours: 0, now: T + 2 * H });
    const changed = windowRows(T + 15 * M, [11, 41]);
    await write(changed);
    expect(files('2026-03-02', '08')).toEqual(['compacted.parquet']);
    const now = [...BATCH.filter((r) => r.windowStart !== T + 15 * M), ...changed];
    expect((await readLake()).rows).toEqual(expected(now));
  });

  it('heals a compaction interrupted before the parts were removed', async () => {
    await write(BATCH);
    const part = join(dir, 'presence', 'date=2026-03-02', 'hour=08', 'part-20260302T080000Z-0.parquet');
    copyFileSync(part, join(dir, 'saved.parquet'));
    await compactLake(dir, { olderThanHours: 1, now: T + 2 * H });
    copyFileSync(join(dir, 'saved.parquet'), part); // as if the process died after the rename
    rmSync(join(dir, 'saved.parquet'));
    expect((await readLake()).rows.length).toBe(BATCH.length + 3); // readers briefly see the window twice
    await compactLake(dir, { olderThanHours: 1, now: T + 2 * H });
    expect((await readLake()).rows).toEqual(expected(BATCH));
    expect(existsSync(part)).toBe(false);
  });

  it('checks its arguments', async () => {
    await expect(compactLake(dir, { olderThanHours: -1 })).rejects.toThrow(/olderThanHours must be 0 or more/);
    expect(await compactLake(join(dir, 'none'), { olderThanHours: 1 })).toEqual({ partitions: 0, filesMerged: 0, rows: 0 });
    expect(() => createLakeWriter({ dir: '' })).toThrow(/needs a dir/);
  });
});
