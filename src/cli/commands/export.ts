import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { openDatabase } from '../../outputs/duckdb/open.ts';
import { queryHeatmap } from '../../outputs/export/heatmap-query.ts';
import { HEATMAP_FORMATS, writeHeatmap, type HeatmapFormat } from '../../outputs/export/heatmap-writers.ts';
import { DEFAULT_K } from '../../outputs/export/k-anonymity.ts';
import { UsageError, dispatchSubcommand, parseCommandArgs, required, type Command, type CommandContext } from '../command.ts';
import { parseTimeArg } from '../time-arg.ts';
import { exportOd } from './export-od.ts';
import { exportOrigins } from './export-origins.ts';
import { exportPopulation } from './export-population.ts';

const HELP = `Usage: citypulse export heatmap --db FILE --out PATH [options]

Exports the population heatmap — devices present per hexagon and window — for dashboards.
Cells with fewer than k people are suppressed (k-anonymity) and counted in the summary.

Options:
  --db FILE              DuckDB file written by ingest/stream (opened read-only)
  --format F             geojson | csv | parquet (default: from the --out extension, else geojson)
  --res R                H3 resolution, up to the base resolution (default: the base); coarser
                         resolutions sum the children
  --from T               first window start included (RFC 3339 or epoch ms; default: all)
  --to T                 windows starting before T (default: all)
  --k N                  k-anonymity threshold, ≥ 2 (default ${DEFAULT_K})
  --out PATH             output file
  -h, --help             this help

GeoJSON features are hexagon polygons with properties h3 (hex), window_start, present.
CSV columns: window_start,window_end,h3,hex_id,res,lat,lng,present (hex_id is what Kepler.gl reads).

Also: citypulse export od … — origin–destination matrices (see citypulse export od --help).
      citypulse export population … — residents, workers, visitors per zone (export population --help).
      citypulse export origins … — visitors per zone by origin (export origins --help).

Example:
  citypulse export heatmap --db out/demo/citypulse.duckdb --res 8 --format geojson --out out/demo/heatmap.geojson
`;

export const exportCommand: Command = {
  name: 'export',
  summary: 'export heatmap | od | population | origins: GeoJSON / CSV / Parquet for dashboards, k-anonymised',
  help: HELP,
  run: (argv, ctx) => dispatchSubcommand('export', argv, ctx, HELP, { heatmap: exportHeatmap, od: exportOd, population: exportPopulation, origins: exportOrigins }),
};

async function exportHeatmap(rest: string[], ctx: CommandContext): Promise<number> {
  const args = parseCommandArgs(
    rest,
    {
      db: { type: 'string' },
      format: { type: 'string' },
      res: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      k: { type: 'string', default: String(DEFAULT_K) },
      out: { type: 'string' },
    },
    HELP,
    ctx,
  );
  if (!args) return 0;
  const v = args.values;
  const dbPath = required(v, 'db');
  const out = required(v, 'out');
  const format = (v.format ?? inferFormat(out)) as HeatmapFormat;
  if (!HEATMAP_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${HEATMAP_FORMATS.join(', ')}`);
  const k = Number(v.k);
  if (!Number.isInteger(k) || k < 2) throw new UsageError(`--k must be an integer ≥ 2, got ${v.k}`);
  const db = await openDatabase(dbPath, { readOnly: true });
  try {
    const base = await db.connection.runAndReadAll('SELECT max(res)::INTEGER FROM presence');
    const baseRes = (base.getRowsJS()[0]?.[0] as number | null) ?? 9;
    const res = v.res === undefined ? baseRes : Number(v.res);
    if (!Number.isInteger(res)) throw new UsageError(`--res must be an integer, got ${v.res}`);
    const result = await queryHeatmap(db.connection, { res, from: parseTimeArg(v.from, '--from'), to: parseTimeArg(v.to, '--to'), k });
    mkdirSync(dirname(out), { recursive: true });
    await writeHeatmap(result.cells, format, out, db.connection);
    const windows = new Set(result.cells.map((c) => c.windowStart)).size;
    ctx.stdout.write(
      `heatmap  ${result.cells.length} hexagons over ${windows} windows at res ${res} → ${out} (${format})\n` +
        `k-anon   ${result.suppressed} (window, hexagon) cells below k=${k} suppressed (${result.suppressedPresent} device-presences withheld)\n`,
    );
    return 0;
  } finally {
    db.close();
  }
}

function inferFormat(path: string): string {
  if (path.endsWith('.csv')) return 'csv';
  if (path.endsWith('.parquet')) return 'parquet';
  return 'geojson';
}
