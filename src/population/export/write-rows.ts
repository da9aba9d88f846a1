import { writeFile, unlink } from 'node:fs/promises';
import type { DuckDBConnection } from '@duckdb/node-api';

/** Output formats of the population exports. */
export const POPULATION_FORMATS = ['csv', 'parquet', 'geojson'] as const;
export type PopulationFormat = (typeof POPULATION_FORMATS)[number];

type Cell = string | number;

function csvCell(v: Cell): string {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** CSV text of rows with the given columns (header first). */
export function rowsToCsv(columns: readonly string[], rows: readonly Record<string, Cell>[]): string {
  return [columns.join(','), ...rows.map((r) => columns.map((c) => csvCell(r[c]!)).join(','))].join('\n') + '\n';
}

/**
 * Writes rows as CSV, Parquet (through DuckDB, column types inferred from the CSV) or GeoJSON
 * (a feature per row with the geometry of its `zone`; rows whose zone has no geometry are skipped).
 */
export async function writeRows(
  columns: readonly string[], rows: readonly Record<string, Cell>[], format: PopulationFormat, path: string,
  conn: DuckDBConnection, geometry: (zone: string) => object | null,
): Promise<void> {
  const writers: Record<PopulationFormat, () => Promise<void>> = {
    csv: () => writeFile(path, rowsToCsv(columns, rows)),
    geojson: () => writeFile(path, JSON.stringify({
      type: 'FeatureCollection',
      features: rows.flatMap((r) => {
        const g = geometry(String(r.zone));
        return g ? [{ type: 'Feature', geometry: g, properties: Object.fromEntries(columns.map((c) => [c, r[c]])) }] : [];
      }),
    }) + '\n'),
    parquet: async () => {
      const tmp = `${path}.tmp.csv`;
      await writeFile(tmp, rowsToCsv(columns, rows));
      try {
        const q = (p: string) => `'${p.replaceAll("'", "''")}'`;
        await conn.run(`COPY (SELECT * FROM read_csv(${q(tmp)}, header = true, types = {'zone': 'VARCHAR'${columns.includes('origin') ? ", 'origin': 'VARCHAR'" : ''}})) TO ${q(path)} (FORMAT parquet, COMPRESSION zstd)`);
      } finally {
        await unlink(tmp);
      }
    },
  };
  await writers[format]();
}
