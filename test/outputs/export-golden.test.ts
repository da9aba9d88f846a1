import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cellToParent, latLngToCell, gridDisk } from 'h3-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/outputs/duckdb/open.ts';
import { DuckDbSink } from '../../src/outputs/duckdb/duckdb-sink.ts';
import { queryHeatmap } from '../../src/outputs/export/heatmap-query.ts';
import { heatmapToCsv, heatmapToGeoJson, writeHeatmap } from '../../src/outputs/export/heatmap-writers.ts';
import type { PresenceRow } from '../../src/core/presence-row.ts';

const GOLDEN = new URL('./golden/', import.meta.url).pathname;
const REGEN = process.env.REGEN === '1';
const W = 15 * 60_000;
const T0 = Date.UTC(2026, 2, 2, 8, 0);

/** Compares with the golden file, or rewrites it under REGEN=1 (open the .geojson on a map to review). */
function golden(name: string, text: string) {
  const path = join(GOLDEN, name);
  if (REGEN || !existsSync(path)) writeFileSync(path, text);
  expect(text).toBe(readFileSync(path, 'utf8'));
}

let db: Database;
const dir = mkdtempSync(join(tmpdir(), 'citypulse-export-'));

beforeAll(async () => {
  db = await openDatabase(':memory:');
  // A hand-made fixture: a 7-cell disk around Milan's Duomo at res 9 with known counts, two windows.
  const centre = latLngToCell(45.4642, 9.19, 9);
  const disk = gridDisk(centre, 1).sort();
  const rows: PresenceRow[] = [];
  disk.forEach((h3, i) => {
    rows.push({ windowStart: T0, windowEnd: T0 + W, h3, res: 9, present: 5 + 4 * i, active: i, events: 2 * i });
    rows.push({ windowStart: T0 + W, windowEnd: T0 + 2 * W, h3, res: 9, present: 30 - 3 * i, active: i, events: i });
  });
  const sink = new DuckDbSink({ connection: db.connection });
  sink.presence(rows);
  await sink.flush();
});
afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('heatmap exports (golden files)', () => {
  // The release at k = 20, by hand (as in test/http/limits.test.ts). Res-8 parents A = {0, 1},
  // B = {2, 3, 4, 5}, C = {6}. Window 1 (5, 9, 13, 17, 21, 25, 29): elements 4, 5, 6, B's remainder
  // {2, 3} = 30; A's 14 passes up to res 5 and takes the smallest element, cell 4: {0, 1, 4} = 35.
  // Window 2 (30, 27, 24, 21, 18, 15, 12): elements 0–3, B's remainder {4, 5} = 33; C's 12 takes
  // cell 3 (21) at the top: {3, 6} = 33.
  it('res 9 with k = 20: only release elements of one cell show; the rest counted as suppressed', async () => {
    const r = await queryHeatmap(db.connection, { res: 9, k: 20 });
    expect(r.cells.every((c) => c.present >= 20)).toBe(true);
    // window 1: cells 5, 6 (cell 4's 21 went into A's remainder); window 2: cells 0, 1, 2 (cell 3 into C's)
    expect(r.cells.map((c) => c.present)).toEqual([25, 29, 30, 27, 24]);
    expect(r.suppressed).toBe(5 + 4);
    expect(r.suppressedPresent).toBe(119 + 147 - (25 + 29) - (30 + 27 + 24));
    golden('heatmap-res9-k20.geojson', JSON.stringify(heatmapToGeoJson(r.cells), null, 1) + '\n');
    golden('heatmap-res9-k20.csv', heatmapToCsv(r.cells));
  });

  it('res 8: the sum of the elements fitting in each parent; parent − shown children is 0 or ≥ k', async () => {
    const r = await queryHeatmap(db.connection, { res: 8, k: 20 });
    const disk = gridDisk(latLngToCell(45.4642, 9.19, 9), 1).sort();
    const [A, B, C] = [disk[0]!, disk[2]!, disk[6]!].map((c) => cellToParent(c, 8));
    const expected: [number, string, number][] = [
      [T0, B!, 25 + 30], // cell 5 + remainder {2, 3}
      [T0, C!, 29],
      [T0 + W, A!, 30 + 27],
      [T0 + W, B!, 24 + 33], // cell 2 + remainder {4, 5}; cell 3 went into the res-7 element {3, 6}
    ];
    expected.sort((x, y) => x[0] - y[0] || (BigInt('0x' + x[1]) < BigInt('0x' + y[1]) ? -1 : 1));
    expect(r.cells.map((c) => [c.windowStart, c.h3, c.present])).toEqual(expected);
    const r9 = await queryHeatmap(db.connection, { res: 9, k: 20 });
    for (const p of r.cells) {
      const kids = r9.cells.filter((c) => c.windowStart === p.windowStart && cellToParent(c.h3, 8) === p.h3).reduce((s, c) => s + c.present, 0);
      const rest = p.present - kids;
      expect(rest === 0 || rest >= 20, `${p.h3}: ${p.present} − ${kids}`).toBe(true);
    }
    golden('heatmap-res8-k20.geojson', JSON.stringify(heatmapToGeoJson(r.cells), null, 1) + '\n');
  });

  it('time range filter and k below 2 rejected', async () => {
    // an operator's export at k = 2 builds its own release at k = 2 (each cell ≥ 2 is an element)
    const r = await queryHeatmap(db.connection, { res: 9, k: 2, from: T0 + W, to: T0 + 2 * W });
    expect(new Set(r.cells.map((c) => c.windowStart))).toEqual(new Set([T0 + W]));
    expect(r.cells.length).toBe(7);
    await expect(queryHeatmap(db.connection, { res: 9, k: 1 })).rejects.toThrow(/k-anonymity threshold must be an integer ≥ 2/);
  });

  it('parquet holds the same rows as the CSV', async () => {
    const r = await queryHeatmap(db.connection, { res: 9, k: 20 });
    const file = join(dir, 'h.parquet');
    await writeHeatmap(r.cells, 'parquet', file, db.connection);
    const back = (await db.connection.runAndReadAll(`SELECT epoch_ms(window_start), h3, present FROM read_parquet('${file}') ORDER BY 1, 2`)).getRowsJS();
    expect(back.map(([ws, h3, p]) => [Number(ws), h3, p])).toEqual(r.cells.map((c) => [c.windowStart, c.h3, c.present]).sort((a, b) => (a[0] as number) - (b[0] as number) || String(a[1]).localeCompare(String(b[1]))));
  });
});
