/**
 * Throughput of the H3 UDFs: `node test/h3/h3-udf.bench.ts [rows]` (default
 * 1,000,000). Not a test: prints ns per row, asserts nothing. The VARCHAR
 * row shows the node client's per-row string reads, which dominate the
 * VARCHAR overloads; prefer UBIGINT cells in pipelines.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { registerH3Functions } from '../../src/h3-sql/register.ts';

const rows = Number(process.argv[2] ?? 1_000_000);
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
registerH3Functions(connection);
await connection.run(`CREATE TABLE points AS SELECT 45 + random() AS lat, 9 + random() AS lng FROM range(${rows})`);
await connection.run(`CREATE TABLE cells AS SELECT h3_latlng_to_cell(lat, lng, 9) AS cell FROM points`);
await connection.run(`CREATE TABLE cell_strings AS SELECT h3_h3_to_string(cell) AS s FROM cells`);

const cases: [label: string, sql: string][] = [
  ['baseline: hash(cell), no UDF', 'SELECT max(hash(cell)) FROM cells'],
  ['h3_latlng_to_cell (DOUBLE → UBIGINT)', 'SELECT max(h3_latlng_to_cell(lat, lng, 9)) FROM points'],
  ['h3_latlng_to_cell_string (→ VARCHAR)', 'SELECT max(h3_latlng_to_cell_string(lat, lng, 9)) FROM points'],
  ['h3_cell_to_parent (UBIGINT)', 'SELECT max(h3_cell_to_parent(cell, 5)) FROM cells'],
  ['h3_cell_to_parent (VARCHAR)', 'SELECT max(h3_cell_to_parent(s, 5)) FROM cell_strings'],
  ['h3_cell_to_lat (UBIGINT)', 'SELECT sum(h3_cell_to_lat(cell)) FROM cells'],
  ['h3_get_resolution (UBIGINT)', 'SELECT sum(h3_get_resolution(cell)) FROM cells'],
  ['h3_grid_disk k=1 (UBIGINT → list)', 'SELECT sum(len(h3_grid_disk(cell, 1))) FROM cells'],
];

try {
  for (const [label, sql] of cases) {
    const start = performance.now();
    await connection.run(sql);
    const nsPerRow = ((performance.now() - start) * 1e6) / rows;
    process.stdout.write(`${label.padEnd(40)} ${nsPerRow.toFixed(0).padStart(6)} ns/row\n`);
  }
} finally {
  connection.closeSync();
  instance.closeSync();
}
