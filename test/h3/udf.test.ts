import { DuckDBInstance, DuckDBListValue } from '@duckdb/node-api';
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import {
  cellArea,
  cellToBoundary,
  cellToLatLng,
  cellToParent,
  getResolution,
  gridDisk,
  gridDistance,
  latLngToCell,
} from 'h3-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../support/mulberry32.ts';
import { formatH3String, parseH3String } from '../../src/h3-sql/cell-codec.ts';
import type { SplitLong } from '../../src/h3-sql/cell-codec.ts';
import { formatFixed6 } from '../../src/h3-sql/format-wkt.ts';
import { H3_FUNCTION_NAMES, registerH3Functions } from '../../src/h3-sql/register.ts';


interface Point {
  readonly id: number;
  readonly lat: number;
  readonly lng: number;
  readonly res: number;
}

// More than two DuckDB vectors (2048 rows each), so functions see several chunks.
const POINT_COUNT = 5000;
const random = mulberry32(20240611);
const points: Point[] = Array.from({ length: POINT_COUNT }, (_, id) => ({
  id,
  lat: (Math.asin(2 * random() - 1) * 180) / Math.PI, // uniform on the sphere, poles included
  lng: random() * 360 - 180,
  res: Math.floor(random() * 16),
}));
const cellOf = (p: Point): string => latLngToCell(p.lat, p.lng, p.res);

let instance: DuckDBInstance;
let connection: DuckDBConnection;

async function rows(sql: string): Promise<DuckDBValue[][]> {
  return (await connection.runAndReadAll(sql)).getRows();
}

async function single(sql: string): Promise<DuckDBValue> {
  return (await rows(sql))[0]![0]!;
}

const items = (value: DuckDBValue): DuckDBValue[] => [...(value as DuckDBListValue).items];

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  connection = await instance.connect();
  registerH3Functions(connection);
  const values = points.map((p) => `(${p.id}, ${p.lat}, ${p.lng}, ${p.res})`).join(',\n');
  await connection.run(`CREATE TABLE points(id INTEGER, lat DOUBLE, lng DOUBLE, res INTEGER)`);
  await connection.run(`INSERT INTO points VALUES ${values}`);
  await connection.run(`CREATE TABLE cells AS
    SELECT id, res, h3_latlng_to_cell(lat, lng, res) AS cell, h3_latlng_to_cell_string(lat, lng, res) AS s
    FROM points`);
});

afterAll(() => {
  connection.closeSync();
  instance.closeSync();
});

describe('registration', () => {
  it('registers every function the extension test files use, with all cell overloads', async () => {
    const registered = await rows(
      `SELECT function_name, count(*) FROM duckdb_functions() WHERE function_name LIKE 'h3\\_%' ESCAPE '\\' GROUP BY ALL`,
    );
    const names = new Map(registered.map(([name, count]) => [String(name), Number(count)]));
    expect([...names.keys()].sort()).toEqual(H3_FUNCTION_NAMES);
    expect(names.get('h3_cell_to_parent')).toBe(3); // UBIGINT, BIGINT, VARCHAR
    expect(names.get('h3_construct_cell')).toBe(2); // with and without resolution
  });

  it('returns the cell type it was given: UBIGINT, BIGINT or VARCHAR', async () => {
    const reader = await connection.runAndReadAll(`SELECT
      h3_cell_to_parent(cell, 0), h3_cell_to_parent(cell::BIGINT, 0), h3_cell_to_parent(s, 0),
      h3_grid_disk(cell::BIGINT, 1), h3_grid_disk(s, 1), h3_cell_to_children_size(s, 15)
      FROM cells LIMIT 1`);
    expect(reader.columnTypes().map(String)).toEqual(['UBIGINT', 'BIGINT', 'VARCHAR', 'BIGINT[]', 'VARCHAR[]', 'BIGINT']);
  });
});

describe('UDF results equal h3-js on seeded random points', () => {
  it('h3_latlng_to_cell and h3_latlng_to_cell_string', async () => {
    const result = await rows(`SELECT id, cell, s FROM cells ORDER BY id`);
    expect(result).toHaveLength(POINT_COUNT);
    for (const [id, cell, s] of result) {
      const expected = cellOf(points[id as number]!);
      expect(s).toBe(expected);
      expect(cell).toBe(BigInt('0x' + expected));
    }
  });

  it('h3_cell_to_lat / _lng / _latlng, exactly, for every cell type', async () => {
    const result = await rows(`SELECT id, h3_cell_to_lat(cell), h3_cell_to_lng(cell::BIGINT), h3_cell_to_latlng(s)
      FROM cells ORDER BY id`);
    for (const [id, lat, lng, latlng] of result) {
      const expected = cellToLatLng(cellOf(points[id as number]!));
      expect([lat, lng]).toEqual(expected);
      expect(items(latlng!)).toEqual(expected);
    }
  });

  it('h3_cell_to_parent, h3_get_resolution, h3_cell_area, h3_is_valid_cell', async () => {
    const result = await rows(`SELECT id, greatest(res - 3, 0) AS parent_res,
        h3_cell_to_parent(cell, parent_res), h3_cell_to_parent(s, parent_res), h3_get_resolution(s),
        h3_cell_area(cell, 'm^2'), h3_is_valid_cell(cell::BIGINT)
      FROM cells ORDER BY id`);
    for (const [id, parentRes, parent, parentString, res, area, valid] of result) {
      const cell = cellOf(points[id as number]!);
      const expected = cellToParent(cell, parentRes as number);
      expect(parentString).toBe(expected);
      expect(parent).toBe(BigInt('0x' + expected));
      expect(res).toBe(getResolution(cell));
      expect(area).toBe(cellArea(cell, 'm2'));
      expect(valid).toBe(true);
    }
  });

  it('h3_grid_disk keeps h3-js order; h3_grid_distance to each disk cell is at most k', async () => {
    const result = await rows(`SELECT id, h3_grid_disk(cell, 2), h3_grid_disk(s, 2) FROM cells WHERE id < 1500 ORDER BY id`);
    for (const [id, disk, diskString] of result) {
      const expected = gridDisk(cellOf(points[id as number]!), 2);
      expect(items(diskString!)).toEqual(expected);
      expect(items(disk!)).toEqual(expected.map((c) => BigInt('0x' + c)));
    }
    const distances = await rows(`SELECT s, d, h3_grid_distance(s, d) FROM
      (SELECT s, unnest(h3_grid_disk(s, 2)) AS d FROM cells WHERE id < 300)`);
    for (const [origin, target, distance] of distances) {
      let expected: bigint | null;
      try {
        expected = BigInt(gridDistance(origin as string, target as string));
      } catch {
        expected = null; // gridDistance can fail across pentagon distortion; the UDF gives NULL then
      }
      expect(distance).toBe(expected);
    }
  });

  it('h3_cell_to_boundary_wkt prints h3-js boundaries as closed lng/lat loops with 6 decimals', async () => {
    const result = await rows(`SELECT id, h3_cell_to_boundary_wkt(cell) FROM cells WHERE id < 1000 ORDER BY id`);
    for (const [id, wkt] of result) {
      const boundary = cellToBoundary(cellOf(points[id as number]!), true);
      const text = boundary.map(([lng, lat]) => `${formatFixed6(lng!)} ${formatFixed6(lat!)}`).join(', ');
      expect(wkt).toBe(`POLYGON ((${text}))`);
    }
  });
});

describe('BIGINT / UBIGINT / VARCHAR round trip', () => {
  it('h3_h3_to_string and h3_string_to_h3 invert each other for every cell', async () => {
    const mismatches = await single(`SELECT count(*) FROM cells WHERE
         h3_h3_to_string(cell) <> s
      OR h3_h3_to_string(cell::BIGINT) <> s
      OR h3_string_to_h3(s) <> cell
      OR h3_string_to_h3(h3_h3_to_string(cell)) <> cell
      OR h3_cell_to_parent(cell::BIGINT, 0)::UBIGINT <> h3_cell_to_parent(cell, 0)
      OR h3_string_to_h3(h3_cell_to_parent(s, 0)) <> h3_cell_to_parent(cell, 0)`);
    expect(mismatches).toBe(0n);
  });

  it('keeps all 64 bits, including values above 2^63 and leading zeros', async () => {
    const [top, one, negative] = (await rows(`SELECT h3_h3_to_string(18446744073709551615::UBIGINT),
      h3_h3_to_string(1::UBIGINT), h3_h3_to_string(-1::BIGINT)`))[0]!;
    expect([top, one, negative]).toEqual(['ffffffffffffffff', '1', 'ffffffffffffffff']);
    expect(await single(`SELECT h3_string_to_h3('ffffffffffffffff')`)).toBe(18446744073709551615n);
  });

  it('parses strings like H3’s stringToH3 (sscanf %lx)', () => {
    const out: SplitLong = [0, 0];
    const parse = (text: string): string | null => (parseH3String(text, out) ? formatH3String(out[0], out[1]) : null);
    expect(parse('85283473fffffff')).toBe('85283473fffffff');
    expect(parse('  0x85283473FFFFFFF')).toBe('85283473fffffff');
    expect(parse('85283473fffffffzz')).toBe('85283473fffffff'); // trailing text ignored
    expect(parse('115283473fffffff')).toBe('115283473fffffff'); // 16 digits
    expect(parse('1ffffffffffffffff')).toBe('ffffffffffffffff'); // saturates past 64 bits
    expect(parse('-1')).toBe('ffffffffffffffff');
    expect(parse('0x')).toBe('0');
    expect(parse('zzz')).toBeNull();
    expect(parse('')).toBeNull();
    expect(parse(',,,,,')).toBeNull();
  });
});

describe('NULL and invalid input', () => {
  it('a NULL argument row gives NULL and leaves the other rows of the chunk intact', async () => {
    const result = await rows(`SELECT id, s,
        h3_cell_to_parent(c, 0), h3_cell_to_lat(c), h3_grid_disk(c, 1), h3_h3_to_string(c),
        h3_string_to_h3(t), h3_is_valid_cell(t), h3_latlng_to_cell(lat, lng, r), h3_compact_cells(l)
      FROM (SELECT cells.id, s,
          CASE WHEN cells.id % 3 = 0 THEN NULL ELSE cell END AS c,
          CASE WHEN cells.id % 3 = 1 THEN NULL ELSE s END AS t,
          lat, lng, CASE WHEN cells.id % 3 = 2 THEN NULL ELSE cells.res END AS r,
          CASE WHEN cells.id % 3 = 0 THEN NULL ELSE [cell] END AS l
        FROM cells JOIN points USING (id))
      ORDER BY id`);
    for (const [id, s, parent, lat, disk, text, parsed, valid, fromPoint, compacted] of result) {
      const p = points[id as number]!;
      const cell = s as string;
      const nullCell = (id as number) % 3 === 0;
      const nullString = (id as number) % 3 === 1;
      const nullRes = (id as number) % 3 === 2;
      expect(parent).toBe(nullCell ? null : BigInt('0x' + cellToParent(cell, 0)));
      expect(lat).toBe(nullCell ? null : cellToLatLng(cell)[0]);
      expect(disk === null ? null : items(disk).length).toBe(nullCell ? null : gridDisk(cell, 1).length);
      expect(text).toBe(nullCell ? null : cell);
      expect(parsed).toBe(nullString ? null : BigInt('0x' + cell));
      expect(valid).toBe(nullString ? null : true);
      expect(fromPoint).toBe(nullRes ? null : BigInt('0x' + latLngToCell(p.lat, p.lng, p.res)));
      expect(compacted === null ? null : items(compacted)).toEqual(nullCell ? null : [BigInt('0x' + cell)]);
    }
  });

  it('invalid cells, resolutions and units give NULL; unparsable strings are not valid cells', async () => {
    const [row] = await rows(`SELECT
      h3_latlng_to_cell(0, 0, 16), h3_cell_to_parent('85283473fffffff', 7), h3_cell_to_lat(18446744073709551615::UBIGINT),
      h3_cell_to_parent('not hex', 1), h3_is_valid_cell('not hex'), h3_cell_area('85283473fffffff', 'acres'),
      h3_grid_disk('85283473fffffff', -1), h3_string_to_h3('')`);
    expect(row).toEqual([null, null, null, null, false, null, null, null]);
  });

  it('malformed WKT fails the statement with the extension’s message', async () => {
    await expect(connection.run(`SELECT h3_polygon_wkt_to_cells('POLYGON ((0 0, x 1, 1 1, 0 0))', 5)`)).rejects.toThrow(
      'Invalid Input Error: Invalid number around 15, 16',
    );
  });
});

describe('formatFixed6 (C printf %f)', () => {
  it('rounds exact ties to even and keeps the sign of negative zero results', () => {
    expect(formatFixed6(0.0078125)).toBe('0.007812'); // tie, 2 is even
    expect(formatFixed6(0.0234375)).toBe('0.023438'); // tie, 7 is odd → up
    expect(formatFixed6(-0.0078125)).toBe('-0.007812');
    expect(formatFixed6(-0.0000001)).toBe('-0.000000');
    expect(formatFixed6(-0)).toBe('-0.000000');
    expect(formatFixed6(44.1985706)).toBe('44.198571');
  });
});
