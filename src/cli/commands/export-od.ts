import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { OD_BY, OD_VARIANTS, type OdBy, type OdVariant } from '../../mobility/engine/od-cell.ts';
import { DEFAULT_MOBILITY_CONFIG } from '../../mobility/engine/mobility-config.ts';
import { buildOdExport } from '../../mobility/export/build-od-export.ts';
import { OD_FORMATS, writeOd, type OdFormat } from '../../mobility/export/od-writers.ts';
import { openDatabase } from '../../outputs/duckdb/open.ts';
import { DEFAULT_K } from '../../outputs/export/k-anonymity.ts';
import { UsageError, parseCommandArgs, required, type CommandContext } from '../command.ts';
import { parseTimeArg } from '../time-arg.ts';

/** `--help` of `citypulse export od`. */
export const EXPORT_OD_HELP = `Usage: citypulse export od --db FILE (--zones NAME | --res R) --format F --out PATH [options]

Exports origin–destination matrices from the trajectory layer's tables (stays, trips): trips between
consecutive stays (default) or all ordered pairs of a device's stays within a day (FlowKit's
TripsODMatrix), per zone system loaded with \`citypulse zones load\` or per H3 resolution.
Release is differencing-safe: hourly values below k are suppressed; a day (or total) is the sum of
its released hours (days) plus the remainder only when that remainder is ≥ k, so no subtraction of
released values reveals fewer than k trips.

Options:
  --db FILE              DuckDB file written by ingest/stream with the trajectory layer (read-only)
  --zones NAME           zone system (as loaded with \`citypulse zones load --name NAME\`)
  --res R                H3 resolution of the ends, ≤ ${DEFAULT_MOBILITY_CONFIG.stayRes} (the stay resolution)
  --from T               first departure included (RFC 3339 or epoch ms; default: all)
  --to T                 departures before T (default: all)
  --by B                 hour | day | total (default hour)
  --variant V            consecutive | all-pairs (default consecutive)
  --k K                  release threshold, ≥ 2 (default ${DEFAULT_K})
  --market-share S       operator's share of the population in (0, 1]; trips_expanded = trips / S (default 1)
  --format F             csv | parquet | geojson (default: from the --out extension, else csv)
  --out PATH             output file
  -h, --help             this help

CSV/Parquet columns: origin, destination, departure_hour (RFC 3339 UTC start of the hour, with --by
hour) or departure_day (--by day), trips, trips_expanded, origin_lat, origin_lng, destination_lat,
destination_lng (Kepler.gl's arc layer reads these). GeoJSON: a LineString per flow between the
centroids of its ends (a Point for flows within one zone).

Example:
  citypulse export od --db out/demo/citypulse.duckdb --zones demo --by hour --k 2 --format csv --out out/demo/od.csv
`;

/** Runs `citypulse export od`. */
export async function exportOd(rest: string[], ctx: CommandContext): Promise<number> {
  const args = parseCommandArgs(
    rest,
    {
      db: { type: 'string' },
      zones: { type: 'string' },
      res: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      by: { type: 'string', default: 'hour' },
      variant: { type: 'string', default: 'consecutive' },
      k: { type: 'string', default: String(DEFAULT_K) },
      'market-share': { type: 'string', default: '1' },
      format: { type: 'string' },
      out: { type: 'string' },
    },
    EXPORT_OD_HELP,
    ctx,
  );
  if (!args) return 0;
  const v = args.values;
  const dbPath = required(v, 'db');
  const out = required(v, 'out');
  if ((v.zones === undefined) === (v.res === undefined)) throw new UsageError('give exactly one of --zones NAME or --res R');
  const format = (v.format ?? (out.endsWith('.parquet') ? 'parquet' : out.endsWith('.geojson') || out.endsWith('.json') ? 'geojson' : 'csv')) as OdFormat;
  if (!OD_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${OD_FORMATS.join(', ')}, got ${v.format}`);
  const by = v.by as OdBy;
  if (!OD_BY.includes(by)) throw new UsageError(`--by must be one of ${OD_BY.join(', ')}, got ${v.by}`);
  const variant = v.variant as OdVariant;
  if (!OD_VARIANTS.includes(variant)) throw new UsageError(`--variant must be one of ${OD_VARIANTS.join(', ')}, got ${v.variant}`);
  const k = Number(v.k);
  if (!Number.isInteger(k) || k < 2) throw new UsageError(`--k must be an integer ≥ 2, got ${v.k}`);
  const share = Number(v['market-share']);
  if (!(share > 0 && share <= 1)) throw new UsageError(`--market-share must be a number in (0, 1], got ${v['market-share']}`);
  let space: { zones: string } | { res: number };
  if (v.res !== undefined) {
    const res = Number(v.res);
    if (!Number.isInteger(res) || res < 0 || res > DEFAULT_MOBILITY_CONFIG.stayRes) {
      throw new UsageError(`--res must be an integer in [0, ${DEFAULT_MOBILITY_CONFIG.stayRes}] (stays are snapped to res ${DEFAULT_MOBILITY_CONFIG.stayRes}), got ${v.res}`);
    }
    space = { res };
  } else space = { zones: v.zones! };
  const db = await openDatabase(dbPath, { readOnly: true });
  try {
    let result;
    try {
      result = await buildOdExport(db.connection, {
        space, variant, by, k, marketShare: share, from: parseTimeArg(v.from, '--from'), to: parseTimeArg(v.to, '--to'),
      });
    } catch (err) {
      if (err instanceof RangeError) throw new UsageError(`${dbPath}: ${err.message}`);
      throw err;
    }
    mkdirSync(dirname(out), { recursive: true });
    await writeOd(result.rows, by, format, out, db.connection);
    const pairs = new Set(result.rows.map((r) => `${r.origin} ${r.destination}`)).size;
    ctx.stdout.write(
      `od       ${result.rows.length} rows, ${pairs} pairs (${variant}, by ${by}, ${'zones' in space ? `zones ${space.zones}` : `res ${space.res}`}) → ${out} (${format})\n` +
        `release  ${result.trueTrips} trips, ${result.withheld} withheld below k=${k} (differencing-safe)` +
        (result.outside > 0 ? `, ${result.outside} with an end outside every zone` : '') + '\n',
    );
    return 0;
  } finally {
    db.close();
  }
}
