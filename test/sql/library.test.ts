import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureRelease } from '../../src/privacy/duckdb/ensure-release.ts';
import {
  DEFAULT_SQL_DIR,
  formatResult,
  listQueries,
  loadQuery,
  parseQuery,
  QueryError,
  runQuery,
  writeParquet,
  type QueryResult,
} from '../../src/sql/index.ts';
import { big, buildFixture, T } from './fixture.ts';

let db: Awaited<ReturnType<typeof buildFixture>>;
let tmp: string;
beforeAll(async () => {
  db = await buildFixture();
  tmp = mkdtempSync(join(tmpdir(), 'citypulse-sql-'));
});
afterAll(() => {
  db.close();
  rmSync(tmp, { recursive: true, force: true });
});

const q = (sql: string) => parseQuery(sql, 'inline.sql');

describe('header', () => {
  it('parses name, purpose (continued), params with defaults and docs, returns', () => {
    const parsed = q(`-- name: demo
-- purpose: a demo
--   over two lines
-- param: res INTEGER = 8            -- H3 resolution (≤ base)
-- param: label VARCHAR = 'a = b -- not a doc, it''s quoted' -- the doc
-- param: zone VARCHAR              -- required
-- param: ratio DECIMAL(10, 2) = -1.5
-- returns: a INTEGER, b VARCHAR
-- note: free text, ignored
SELECT $res AS a`);
    expect(parsed).toMatchObject({
      name: 'demo',
      purpose: 'a demo over two lines',
      returns: 'a INTEGER, b VARCHAR',
      params: [
        { name: 'res', type: 'INTEGER', default: '8', doc: 'H3 resolution (≤ base)' },
        { name: 'label', type: 'VARCHAR', default: "'a = b -- not a doc, it''s quoted'", doc: 'the doc' },
        { name: 'zone', type: 'VARCHAR', doc: 'required' },
        { name: 'ratio', type: 'DECIMAL(10, 2)', default: '-1.5' },
      ],
    });
    expect(parsed.params[2]).not.toHaveProperty('default');
  });

  it('without a header: named after the file, no parameters', () => {
    expect(parseQuery('SELECT 1', '/x/y/adhoc.sql')).toMatchObject({ name: 'adhoc', purpose: '', params: [], returns: '' });
  });

  it('rejects a bad type, a bad default and a parameter declared twice, naming the line', () => {
    expect(() => q('-- param: x INTEGER; DROP TABLE presence\nSELECT 1')).toThrow(/inline\.sql:1: parameter "x" has no valid type/);
    expect(() => q('-- param: x INTEGER = now()\nSELECT 1')).toThrow(/default of "x" must be a SQL literal/);
    expect(() => q('-- param: x INTEGER\n-- param: x INTEGER\nSELECT 1')).toThrow(/inline\.sql:2: parameter "x" is declared twice/);
  });
});

describe('listQueries / loadQuery', () => {
  it('default dir is the repository sql/ folder, wherever the process runs', () => {
    expect(resolve(DEFAULT_SQL_DIR)).toBe(resolve(import.meta.dirname, '../../sql'));
    const names = listQueries().map((x) => x.name);
    for (const n of ['heatmap', 'top_cells', 'zone_totals', 'zone_timeseries', 'area_timeseries', 'week_over_week', 'dq_dead_letters', 'dq_late_events', 'dq_silent_cells']) {
      expect(names).toContain(n);
    }
    expect(listQueries()[0]).not.toHaveProperty('sql');
  });

  it('loads by name or by path; an unknown name lists the available ones', () => {
    expect(loadQuery('heatmap').name).toBe('heatmap');
    expect(loadQuery(join(DEFAULT_SQL_DIR, 'top_cells.sql')).name).toBe('top_cells');
    expect(() => loadQuery('heatmapp')).toThrow(/unknown query "heatmapp" .*available: .*heatmap/);
    expect(() => loadQuery('nowhere/x.sql')).toThrow(QueryError);
  });

  it('every file declares exactly the parameters its SQL uses', async () => {
    await ensureRelease(db.connection, { k: 20 });
    for (const info of listQueries()) {
      const query = loadQuery(info.name);
      const prepared = await db.connection.prepare(query.sql);
      const used = new Set<string>();
      for (let i = 1; i <= prepared.parameterCount; i++) used.add(prepared.parameterName(i));
      prepared.destroySync();
      expect([...used].sort(), info.name).toEqual(query.params.map((p) => p.name).sort());
      if (used.has('k')) expect(query.params.find((p) => p.name === 'k')!.default, info.name).toBe('20');
    }
  });
});

describe('runQuery parameters', () => {
  const heatmap = () => loadQuery('heatmap');

  it('unknown parameters are an error naming them', async () => {
    const err = await runQuery(db.connection, heatmap(), { res: 8, resolution: 8, kk: 3 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QueryError);
    expect((err as QueryError).message).toMatch(/unknown parameters resolution, kk for query heatmap \(it takes: res, from, to, k\)/);
    expect((err as QueryError).params).toEqual(['resolution', 'kk']);
  });

  it('missing parameters without default are an error naming them', async () => {
    await expect(runQuery(db.connection, loadQuery('zone_timeseries'), {})).rejects.toThrow(/missing parameters zone_system, zone for query zone_timeseries \(no default\)/);
    await expect(runQuery(db.connection, loadQuery('zone_timeseries'), { zone: 'A' })).rejects.toThrow(/missing parameter zone_system /);
  });

  it('k below 2 (or not an integer) is refused', async () => {
    await expect(runQuery(db.connection, heatmap(), { k: 1 })).rejects.toThrow(/k-anonymity threshold must be an integer ≥ 2, got 1/);
    await expect(runQuery(db.connection, heatmap(), { k: null })).rejects.toThrow(/got NULL/);
    await expect(runQuery(db.connection, q('-- param: k DOUBLE = 20\nSELECT $k AS k'), { k: 2.5 })).rejects.toThrow(/got 2\.5/);
  });

  it('values are cast to the declared type by DuckDB; a bad value names the parameter', async () => {
    await expect(runQuery(db.connection, heatmap(), { res: 'eight' })).rejects.toThrow(/parameter res of query heatmap: cannot read "eight" as INTEGER/);
    const typed = q(`-- param: t TIMESTAMPTZ\n-- param: n INTEGER\n-- param: b BOOLEAN = false\n-- param: s VARCHAR = 'it''s'\nSELECT $t AS t, $n + 1 AS n, $b AS b, $s AS s`);
    const r = await runQuery(db.connection, typed, { t: '2026-03-02T09:00:00+01:00', n: '41' });
    expect(r.rows).toEqual([[new Date(T), 42, false, "it's"]]);
    expect(r.columns.map((c) => c.type)).toEqual(['TIMESTAMP WITH TIME ZONE', 'INTEGER', 'BOOLEAN', 'VARCHAR']);
    // A number for a timestamp parameter is epoch milliseconds.
    expect((await runQuery(db.connection, typed, { t: T + 1, n: 0, b: true })).rows).toEqual([[new Date(T + 1), 1, true, "it's"]]);
  });

  it('values are bound, never spliced into the SQL', async () => {
    const r = await runQuery(db.connection, q(`-- param: s VARCHAR\nSELECT $s AS s`), { s: "'); DROP TABLE presence; --" });
    expect(r.rows).toEqual([["'); DROP TABLE presence; --"]]);
  });

  it('SQL using an undeclared or positional parameter is refused', async () => {
    await expect(runQuery(db.connection, q('-- param: a INTEGER = 1\nSELECT $a + $b'), {})).rejects.toThrow(/uses \$b without declaring it/);
    await expect(runQuery(db.connection, q('SELECT ?::INTEGER'), {})).rejects.toThrow(/positional parameters/);
  });

  it('DuckDB errors name the query and hint at loading missing tables', async () => {
    await expect(runQuery(db.connection, q('SELECT * FROM nope'), {})).rejects.toThrow(/query inline \(inline\.sql\): Catalog Error/);
    const bare = await (await import('../../src/outputs/duckdb/open.ts')).openDatabase(':memory:');
    try {
      await expect(runQuery(bare.connection, loadQuery('zone_totals'), { zone_system: 'x' })).rejects.toThrow(/load it with citypulse zones load/);
    } finally {
      bare.close();
    }
  });
});

describe('formatResult', () => {
  const result = async (sql: string): Promise<QueryResult> => runQuery(db.connection, q(sql), {});

  it('json: row objects in column order, 64-bit integers exact, lists as arrays, NULL as null, ISO timestamps', async () => {
    const r = await result(
      `SELECT 18446744073709551615::UBIGINT AS max_u64, -9007199254740993::BIGINT AS neg, [1, 2]::UBIGINT[] AS l, NULL AS n,
              TIMESTAMPTZ '2026-03-02 08:00:00+00' AS t, 'q"uote' AS s, 1.5::DOUBLE AS d, {'a': 1} AS st, DATE '2026-03-02' AS day`,
    );
    const text = formatResult(r, 'json');
    expect(text).toBe(
      '[\n{"max_u64":18446744073709551615,"neg":-9007199254740993,"l":[1,2],"n":null,"t":"2026-03-02T08:00:00.000Z","s":"q\\"uote","d":1.5,"st":{"a":1},"day":"2026-03-02"}\n]\n',
    );
    expect(JSON.parse(text)[0].s).toBe('q"uote');
  });

  it('json of a heatmap keeps the h3 UBIGINT digits (> 2^53) exact', async () => {
    const r = await runQuery(db.connection, loadQuery('heatmap'), { res: 9, k: 2 });
    const text = formatResult(r, 'json');
    const h3 = big(db.cells.c1);
    expect(h3 > 2n ** 53n).toBe(true);
    expect(text).toContain(`"h3":${h3},"h3_hex":"${db.cells.c1}"`);
    expect(Number(h3).toString()).not.toBe(h3.toString()); // a double would have rounded it
    expect(formatResult({ columns: r.columns, rows: [] }, 'json')).toBe('[]\n');
  });

  it('csv: header, quoting, NULL empty, timestamps ISO', async () => {
    const r = await result(`SELECT 1 AS a, 'x,y' AS b, NULL::INTEGER AS c, TIMESTAMPTZ '2026-03-02 08:00:00+00' AS t, ['p', 'q'] AS l`);
    expect(formatResult(r, 'csv')).toBe('a,b,c,t,l\n1,"x,y",,2026-03-02T08:00:00.000Z,"[""p"",""q""]"\n');
  });

  it('table: aligned columns, numbers right-aligned, row count', async () => {
    const r = await result(`SELECT * FROM (VALUES (1, 'a'), (100, 'bbb'), (NULL, NULL)) t(n, s)`);
    expect(formatResult(r, 'table')).toBe(['   n  s', '----  ----', '   1  a', ' 100  bbb', 'NULL  NULL', '(3 rows)', ''].join('\n'));
  });
});

describe('writeParquet', () => {
  it('writes a query to Parquet with its types (h3 stays UBIGINT), parameters bound', async () => {
    const path = join(tmp, "heat'map.parquet");
    const n = await writeParquet(db.connection, loadQuery('heatmap'), { res: 9, k: 20 }, path);
    const back = await db.connection.runAndReadAll(`SELECT h3, present FROM read_parquet('${path.replaceAll("'", "''")}') ORDER BY window_start, h3`);
    expect(n).toBe(back.getRowsJS().length);
    expect(back.columnTypes().map(String)).toEqual(['UBIGINT', 'BIGINT']);
    expect(back.getRowsJS()).toContainEqual([big(db.cells.c1), 30n]);
    writeFileSync(join(tmp, 'trailing.sql'), '-- param: k INTEGER = 2\nSELECT $k AS k; -- done\n');
    await expect(writeParquet(db.connection, loadQuery(join(tmp, 'trailing.sql')), {}, join(tmp, 'x.parquet'))).resolves.toBe(1);
  });
});
