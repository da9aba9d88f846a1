import { cellToParent, gridDisk } from 'h3-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listQueries, loadQuery, runQuery, type QueryParams, type QueryResult } from '../../src/sql/index.ts';
import { big, buildFixture, H, loadFixtureCellTable, LW1, LW2, M, T, W1, W2 } from './fixture.ts';

let db: Awaited<ReturnType<typeof buildFixture>>;
beforeAll(async () => {
  db = await buildFixture();
});
afterAll(() => db.close());

/** Runs sql/NAME.sql and returns its rows as objects. */
async function run(name: string, params: QueryParams = {}): Promise<Record<string, unknown>[]> {
  return objects(await runQuery(db.connection, loadQuery(name), params));
}

function objects(r: QueryResult): Record<string, unknown>[] {
  return r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c.name, row[i]])));
}

const iso = (v: unknown) => (v as Date).toISOString();
const at = (ms: number) => new Date(ms).toISOString();

describe('every sql/ file runs on the fixture', () => {
  const required: Record<string, QueryParams> = {
    zone_totals: { zone_system: 'test' },
    zone_timeseries: { zone_system: 'test', zone: 'A' },
    area_timeseries: { cell: 'placeholder' },
    od_matrix: { zone_system: 'test' },
    area_visitors_by_origin: { area: 'stadium-1' },
  };
  for (const q of listQueries()) {
    it(`${q.name}: header complete, returns the declared columns`, async () => {
      expect(q.purpose).not.toBe('');
      expect(q.returns).not.toBe('');
      expect(q.path.endsWith(`${q.name}.sql`)).toBe(true);
      const params = { ...required[q.name] };
      if (q.name === 'area_timeseries') params.cell = db.cells.c1;
      const result = await runQuery(db.connection, loadQuery(q.name), params);
      const declared = q.returns.split(/,\s*/).map((c) => {
        expect(c.trim()).toMatch(/^[a-z_0-9]+ [A-Z]+(\[\])?$/); // machine-readable: name TYPE
        return c.trim().split(/\s+/)[0];
      });
      expect(result.columns.map((c) => c.name)).toEqual(declared);
    });
  }
});

describe('heatmap', () => {
  // The release at k = 20 (docs/privacy.md), by hand. All five cells share one res-5 parent; c1, c2 share p8.
  // LW1: c1 30 and c3 20 are elements; c4 3 + c5 2 pass up to res 5 (5 < 20) and take the smallest
  //      element there, c3: an element {c3, c4, c5} of 25 anchored at res 5.
  // LW2: c3 40 is an element; c1 10 passes up and takes c3 at res 5: {c1, c3} 50 at res 5.
  // W1:  c3 25 is an element; c1 15 + c2 10 = 25 is p8's remainder element (res 8).
  // W2:  c3 30 is an element; p8's 9 passes up and takes c3 at res 5: {c1, c2, c3} 39 at res 5.
  it('a hexagon is the sum of the release elements fitting in it; secondary suppression hides c3 where a remainder took it', async () => {
    const { p8, c3 } = db.cells;
    const p3 = cellToParent(c3, 8);
    const rows = await run('heatmap', { res: 8, k: 20 });
    const got = rows.map((r) => [iso(r.window_start), r.h3_hex, r.present, r.res]);
    const byH3 = (a: [number, string, number][]) => a.sort((x, y) => x[0] - y[0] || (big(x[1]) < big(y[1]) ? -1 : 1));
    const expected = byH3([
      [LW1, p8, 30], // c1 30; c3 went into the res-5 remainder
      [W1, p8, 25], // the remainder element c1 15 + c2 10
      [W1, p3, 25],
    ]).map(([ws, h, n]) => [at(ws), h, BigInt(n), 8]);
    expect(got).toEqual(expected);
    expect(rows[0]!.h3).toBe(big(rows[0]!.h3_hex as string));
    expect(rows.every((r) => iso(r.window_end) === at(Date.parse(iso(r.window_start)) + 15 * M))).toBe(true);
  });

  it('k below the release k gives the release; a raised k drops elements; from/to bound window starts', async () => {
    expect((await run('heatmap', { res: 9, k: 2 })).map((r) => [r.h3_hex, r.present])).toEqual([
      [db.cells.c1, 30n],
      [db.cells.c3, 25n],
    ]);
    expect((await run('heatmap', { res: 8, k: 26 })).map((r) => [iso(r.window_start), r.present])).toEqual([[at(LW1), 30n]]);
    const w1 = await run('heatmap', { res: 9, k: 20, from: at(W1), to: at(W2) });
    expect(w1.map((r) => [r.h3_hex, r.present])).toEqual([[db.cells.c3, 25n]]);
    // res 5: every element fits; the city per window is the whole release
    expect((await run('heatmap', { res: 5, k: 20 })).map((r) => r.present)).toEqual([55n, 50n, 50n, 39n]);
  });

  it('rejects a resolution finer than the stored base', async () => {
    await expect(run('heatmap', { res: 10, k: 20 })).rejects.toThrow(/res 10 is outside 0\.\.9/);
  });
});

describe('top_cells', () => {
  it('ranks by peak present after k suppression', async () => {
    const rows = await run('top_cells', { k: 20 });
    expect(rows.map((r) => [r.rank, r.h3_hex, r.peak_present, iso(r.peak_window_start), r.mean_present, r.windows])).toEqual([
      [1n, db.cells.c1, 30n, at(LW1), 30, 1n],
      [2n, db.cells.c3, 25n, at(W1), 25, 1n],
    ]);
    expect((await run('top_cells', { k: 20, n: 1 })).map((r) => r.h3_hex)).toEqual([db.cells.c1]);
  });

  it('aggregates to a coarser resolution', async () => {
    const rows = await run('top_cells', { k: 20, res: 8 });
    expect(rows.map((r) => [r.h3_hex, r.peak_present, r.mean_present, r.windows])).toEqual([
      [db.cells.p8, 30n, 27.5, 2n],
      [cellToParent(db.cells.c3, 8), 25n, 25, 1n],
    ]);
  });
});

describe('zone queries', () => {
  it('zone_totals lists every zone, NULL where no window reached k', async () => {
    const rows = await run('zone_totals', { zone_system: 'test', k: 20 });
    expect(rows.map((r) => [r.zone_id, r.zone_name, r.cells, r.windows, r.mean_present, r.peak_present, r.peak_window_start && iso(r.peak_window_start), r.mean_per_km2])).toEqual([
      ['A', 'Zone A', 2n, 2n, 27.5, 30n, at(LW1), 27.5], // 30 and 25 reach k; 10 and 9 do not
      ['B', 'Zone B', 1n, 1n, 25, 25n, at(W1), 12.5], // only W1's c3 element lies in B alone
      ['C', 'Zone C', 1n, 0n, null, null, null, null], // only 2 people, once
    ]);
  });

  it('zone_totals restricted to a time range', async () => {
    const rows = await run('zone_totals', { zone_system: 'test', k: 20, from: at(W1), to: at(W2 + 15 * M) });
    expect(rows.map((r) => [r.zone_id, r.windows, r.mean_present, r.peak_present])).toEqual([
      ['A', 1n, 25, 25n],
      ['B', 1n, 25, 25n],
      ['C', 0n, null, null],
    ]);
  });

  it('zone_timeseries by name (any case) or id, NULL below k, every window listed', async () => {
    const a = await run('zone_timeseries', { zone_system: 'test', zone: 'zone a', k: 20 });
    expect(a.map((r) => [iso(r.window_start), r.zone_id, r.present])).toEqual([
      [at(LW1), 'A', 30n],
      [at(LW2), 'A', null],
      [at(W1), 'A', 25n],
      [at(W2), 'A', null],
    ]);
    const b = await run('zone_timeseries', { zone_system: 'test', zone: 'B', k: 2 });
    expect(b.map((r) => r.present)).toEqual([null, null, 25n, null]);
    expect(await run('zone_timeseries', { zone_system: 'test', zone: 'nope' })).toEqual([]);
  });

  it('area_timeseries: a parent cell, a cell alone, a cell with its ring', async () => {
    const { p8, c1 } = db.cells;
    const parent = await run('area_timeseries', { cell: p8, k: 20 });
    expect(parent.map((r) => [iso(r.window_start), r.area_cells, r.present])).toEqual([
      [at(LW1), 1n, 30n],
      [at(LW2), 1n, null],
      [at(W1), 1n, 25n],
      [at(W2), 1n, null],
    ]);
    expect((await run('area_timeseries', { cell: c1, k: 2 })).map((r) => r.present)).toEqual([30n, null, null, null]);
    const ring = await run('area_timeseries', { cell: c1, ring: 1, k: 2 });
    expect(gridDisk(c1, 1)).toContain(db.cells.c2);
    // the area sums elements fitting in one of its cells: W1's p8 element {c1, c2} spans two
    expect(ring.map((r) => [r.area_cells, r.present])).toEqual([
      [7n, 30n],
      [7n, null],
      [7n, null],
      [7n, null],
    ]);
    await expect(run('area_timeseries', { cell: 'not-a-cell' })).rejects.toThrow(/not a valid H3 cell/);
  });
});

describe('week_over_week', () => {
  it('per cell: means per window of k-anonymised counts, this week vs the same hours a week before', async () => {
    const expected = [
      ['c3', 12.5, 0, 12.5, null], // (25 + 0) / 2 vs nothing (c3 went into res-5 remainders last week)
      ['c1', 0, 15, -15, -100], // nothing vs (30 + 0) / 2
    ];
    const names = Object.fromEntries(Object.entries(db.cells).map(([k, v]) => [v, k]));
    const shape = (rows: Record<string, unknown>[]) => rows.map((r) => [names[r.unit as string], r.this_week, r.last_week, r.change, r.change_pct]);
    expect(shape(await run('week_over_week', { k: 20, to: at(T + 30 * M), hours: 1 }))).toEqual(expected);
    expect(shape(await run('week_over_week', { k: 20 }))).toEqual(expected); // to = end of the latest window, 168 h
    const k2 = await run('week_over_week', { k: 2 });
    expect(shape(k2)).toEqual(expected); // k below the release's k gives the release
    expect(k2.every((r) => r.h3 === big(r.unit as string) && r.unit_name === null)).toBe(true);
  });

  it('per zone', async () => {
    const rows = await run('week_over_week', { zone_system: 'test', k: 20 });
    expect(rows.map((r) => [r.unit, r.unit_name, r.h3, r.this_week, r.last_week, r.change, r.change_pct])).toEqual([
      ['B', 'Zone B', null, 12.5, 0, 12.5, null], // (25 + 0) / 2 vs nothing
      ['A', 'Zone A', null, 12.5, 15, -2.5, -16.7], // (25 + 0) / 2 vs (30 + 0) / 2
    ]);
  });

  it('checks hours', async () => {
    await expect(run('week_over_week', { hours: 0 })).rejects.toThrow(/hours must be 1 to 168/);
  });
});

describe('data quality', () => {
  it('dq_dead_letters per hour of ingestion or of event time', async () => {
    const byIngest = await run('dq_dead_letters');
    expect(byIngest.map((r) => [iso(r.hour), r.source, r.reason, r.dead_letters, r.with_event_time])).toEqual([
      [at(T + 2 * H), 'a.ndjson', 'malformed_json', 2n, 0n],
      [at(T + 3 * H), 'b.ndjson', 'unknown_cell', 1n, 1n],
    ]);
    const byEvent = await run('dq_dead_letters', { by: 'event' });
    expect(byEvent.map((r) => [r.hour && iso(r.hour), r.reason, r.dead_letters, r.first_event_ts && iso(r.first_event_ts)])).toEqual([
      [at(T + H), 'unknown_cell', 1n, at(T + H + 10 * M)],
      [null, 'malformed_json', 2n, null],
    ]);
    await expect(run('dq_dead_letters', { by: 'nope' })).rejects.toThrow(/by must be 'ingested' or 'event'/);
  });

  it('dq_late_events: count, windows, median and max lateness', async () => {
    expect(await run('dq_late_events')).toEqual([{ hour: new Date(T), source: 'k:0', late_events: 3n, windows: 2n, median_lateness_s: 60, max_lateness_s: 180 }]);
  });

  it('dq_silent_cells without a cell table: every cell active before and silent now', async () => {
    const rows = await run('dq_silent_cells');
    expect(rows.map((r) => [r.h3_hex, r.reference_events, r.reference_windows, iso(r.last_seen), r.antennas])).toEqual([
      [db.cells.c4, 200n, 1n, at(LW1 + 15 * M), null],
      [db.cells.c5, 150n, 1n, at(LW1 + 15 * M), null],
    ]);
    expect(await run('dq_silent_cells', { min_events: 1000 })).toEqual([]);
  });

  it('dq_silent_cells with the cell table: lists valid antennas, skips hexagons whose antennas all retired', async () => {
    const scratch = await buildFixture();
    try {
      await loadFixtureCellTable(scratch);
      const rows = objects(await runQuery(scratch.connection, loadQuery('dq_silent_cells'), {}));
      expect(rows.map((r) => [r.h3_hex, r.antennas])).toEqual([[db.cells.c4, ['a4']]]);
    } finally {
      scratch.close();
    }
  });
});
