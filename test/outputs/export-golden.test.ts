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
  it('res 9 with k = 20: cells below k are suppressed and counted', async () => {
    const r = await queryHeatmap(db.connection, { res: 9, k: 20 });
    expect(r.cells.every((c) => c.present >= 20)).toBe(true);
    // window 1: 5,9,13,17,21,25,29 → 3 kept; window 2: 30,27,24,21,18,15,12 → 4 kept
    expect(r.cells.length).toBe(7);
    expect(r.suppressed).toBe(7);
    expect(r.suppressedPresent).toBe(5 + 9 + 13 + 17 + 18 + 15 + 12);
    golden('heatmap-res9-k20.geojson', JSON.stringify(heatmapToGeoJson(r.cells), null, 1) + '\n');
    golden('heatmap-res9-k20.csv', heatmapToCsv(r.cells));
  });

  it('res 8 sums the res-9 children before applying k', async () => {
    const r = await queryHeatmap(db.connection, { res: 8, k: 20 });
    // expected by hand from the fixture: group the 7 children by parent, sum, keep sums ≥ 20
    const disk = gridDisk(latLngToCell(45.4642, 9.19, 9), 1).sort();
    const expected: [number, string, number][] = [];
    for (const [ws, present] of [[T0, (i: number) => 5 + 4 * i], [T0 + W, (i: number) => 30 - 3 * i]] as const) {
      const sums = new Map<string, number>();
      disk.forEach((h3, i) => sums.set(cellToParent(h3, 8), (sums.get(cellToParent(h3, 8)) ?? 0) + present(i)));
      for (const [p, n] of [...sums].sort()) if (n >= 20) expected.push([ws, p, n]);
    }
    expect(r.cells.map((c) => [c.windowStart, c.h3, c.present])).toEqual(expected);
    golden('heatmap-res8-k20.geojson', JSON.stringify(heatmapToGeoJson(r.cells), null, 1) + '\n');
  });

  it('time range filter and k below 2 rejected', async () => {
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
