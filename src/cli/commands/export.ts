import { mkdirSync } from 'node:fs';
import { dirname, extname } from 'node:path';
import { recordRelease } from '../flags/ledger-flags.ts';
import { openDatabase } from '../../outputs/duckdb/open.ts';
import { queryHeatmap } from '../../outputs/export/heatmap-query.ts';
import { HEATMAP_FORMATS, writeHeatmap, type HeatmapFormat } from '../../outputs/export/heatmap-writers.ts';
import { DEFAULT_K } from '../../outputs/export/k-anonymity.ts';
import { UsageError, dispatchSubcommand, parseCommandArgs, required, type Command, type CommandContext } from '../command.ts';
import { parseTimeArg } from '../time-arg.ts';
import { exportOd } from './export-od.ts';
import { exportOrigins } from './export-origins.ts';
import { exportPopulation } from './export-population.ts';
import { exportTraffic } from './export-traffic.ts';

const HELP = `Usage: citypulse export heatmap --db FILE --out PATH [options]

Exports the population heatmap — devices present per hexagon and window — for dashboards, from the
window's differencing-safe release (docs/privacy.md): each hexagon is the sum of the release elements
of at least k people that fit in it, so no hexagon minus its children reveals 1..k−1 people. Hexagons
that show nothing are counted in the summary.

Options:
  --db FILE              DuckDB file written by ingest/stream (opened read-only)
  --format F             geojson | csv | parquet (default: from the --out extension .geojson/.json,
                         .csv or .parquet; another extension is an error)
  --res R                H3 resolution, up to the base resolution (default: the base); coarser
                         resolutions sum the children
  --from T               first window start included (RFC 3339 or epoch ms; default: all)
  --to T                 windows starting before T (default: all)
  --k N                  k-anonymity threshold, ≥ 2 (default ${DEFAULT_K})
  --out PATH             output file; repeat it to write the same heatmap in several formats from
                         one query (each file's format from its extension; one ledger entry each)
  --for WHO              whom the export is for; recorded with the file's SHA-256, the parameters and k
                         in the signed ledger <db>.admin-ledger.duckdb (docs/audit.md)
  -h, --help             this help

GeoJSON features are hexagon polygons with properties h3 (hex), window_start, present.
CSV columns: window_start,window_end,h3,hex_id,res,lat,lng,present (hex_id is what Kepler.gl reads).

Also: citypulse export od … — origin–destination matrices (see citypulse export od --help).
      citypulse export population … — residents, workers, visitors per zone (export population --help).
      citypulse export origins … — visitors per zone by origin (export origins --help).
      citypulse export traffic … — flow, speed, congestion per corridor and bin (export traffic --help).

Example:
  citypulse export heatmap --db out/demo/citypulse.duckdb --res 8 --format geojson --out out/demo/heatmap.geojson
`;

export const exportCommand: Command = {
  name: 'export',
  summary: 'export heatmap | od | population | origins | traffic: GeoJSON / CSV / Parquet for dashboards, k-anonymised',
  help: HELP,
  run: (argv, ctx) => dispatchSubcommand('export', argv, ctx, HELP, { heatmap: exportHeatmap, od: exportOd, population: exportPopulation, origins: exportOrigins, traffic: exportTraffic }),
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
      out: { type: 'string', multiple: true },
      for: { type: 'string' },
    },
    HELP,
    ctx,
  );
  if (!args) return 0;
  const v = args.values;
  const dbPath = required(v, 'db');
  const outs = (v.out ?? []).filter((o) => o !== '');
  if (outs.length === 0) throw new UsageError('--out is required');
  const files = outs.map((out) => ({ out, format: heatmapFormat(v.format, out) }));
  const k = Number(v.k);
  if (!Number.isInteger(k) || k < 2) throw new UsageError(`--k must be an integer ≥ 2, got ${v.k}`);
  const summaries: string[] = [];
  const db = await openDatabase(dbPath, { readOnly: true });
  try {
    const base = await db.connection.runAndReadAll('SELECT max(res)::INTEGER FROM presence');
    const baseRes = (base.getRowsJS()[0]?.[0] as number | null) ?? 9;
    const res = v.res === undefined ? baseRes : Number(v.res);
    if (!Number.isInteger(res)) throw new UsageError(`--res must be an integer, got ${v.res}`);
    // One query (and one release computed beside raw presence) for every file asked for.
    const result = await queryHeatmap(db.connection, { res, from: parseTimeArg(v.from, '--from'), to: parseTimeArg(v.to, '--to'), k });
    const windows = new Set(result.cells.map((c) => c.windowStart)).size;
    for (const f of files) {
      mkdirSync(dirname(f.out), { recursive: true });
      await writeHeatmap(result.cells, f.format, f.out, db.connection);
      summaries.push(
        `heatmap  ${result.cells.length} hexagons over ${windows} windows at res ${res} → ${f.out} (${f.format})\n` +
          `k-anon   ${result.suppressed} (window, hexagon) cells with people show nothing at k=${k} (${result.suppressedPresent} device-presences withheld at res ${res})\n`,
      );
    }
  } finally {
    db.close();
  }
  for (const [i, f] of files.entries()) {
    const release = await recordRelease(dbPath, ctx, { what: 'heatmap', params: { format: f.format, res: v.res ?? null, from: v.from ?? null, to: v.to ?? null }, k, files: [f.out], for: v.for ?? null });
    ctx.stdout.write(`${summaries[i]}ledger   release recorded as entry ${release.index} of ${release.path}\n`);
  }
  return 0;
}

/** File extensions of each heatmap format. */
const EXTENSIONS: Record<HeatmapFormat, readonly string[]> = { geojson: ['.geojson', '.json'], csv: ['.csv'], parquet: ['.parquet'] };

/**
 * The format from `--format` and the `--out` extension, which must agree: `--out h.xlsx` is refused
 * rather than silently written as GeoJSON.
 */
export function heatmapFormat(flag: string | undefined, out: string): HeatmapFormat {
  if (flag !== undefined && !(HEATMAP_FORMATS as readonly string[]).includes(flag)) throw new UsageError(`--format must be one of ${HEATMAP_FORMATS.join(', ')}, got "${flag}"`);
  const ext = extname(out).toLowerCase();
  const byExt = HEATMAP_FORMATS.find((f) => EXTENSIONS[f].includes(ext));
  const all = HEATMAP_FORMATS.flatMap((f) => EXTENSIONS[f]).join(', ');
  if (flag === undefined) {
    if (!byExt) throw new UsageError(`--out ${out}: cannot tell the format from ${ext ? `the extension ${ext}` : 'a name without extension'} (heatmaps are written as ${all}); end the name in one of those or give --format`);
    return byExt;
  }
  const format = flag as HeatmapFormat;
  if (byExt !== format && ext !== '') throw new UsageError(`--out ${out} ends in ${ext} but --format is ${format}; name the file ${EXTENSIONS[format].join(' or ')}`);
  return format;
}
