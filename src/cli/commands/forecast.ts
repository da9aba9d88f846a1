import { writeFile } from 'node:fs/promises';
import { AreaError } from '../../alerts/areas/area-error.ts';
import { openDatabase } from '../../outputs/duckdb/open.ts';
import { DEFAULT_K } from '../../outputs/export/k-anonymity.ts';
import { buildAreaForecast, DEFAULT_AREA_ZONES, findForecastArea } from '../../traffic/duckdb/forecast-area.ts';
import { areaForecastCsv, areaForecastJson, type AreaForecast } from '../../traffic/forecast/released-forecast.ts';
import { buildCorridorForecast, CORRIDOR_METRICS, type CorridorMetric } from '../../traffic/export/corridor-forecast.ts';
import { readCorridorsFile } from '../../traffic/export/read-corridors-file.ts';
import { hasTrafficTables } from '../../traffic/duckdb/load-hops.ts';
import { UsageError, parseCommandArgs, required, type Command, type CommandContext } from '../command.ts';
import { parseTimeArg } from '../time-arg.ts';

const FORMATS = ['csv', 'json'] as const;

const HELP = `Usage: citypulse forecast --db FILE --area ID [--areas FILE | --zones NAME] [--at T] [--format csv|json] [--out PATH]
       citypulse forecast --db FILE --corridor ID [--metric flow|speed] [--corridors FILE] [--at T] [--format csv|json] [--out PATH]

One-hour-ahead forecast of a watched area's occupancy (devices present) in steps of the database's
window (5 minutes with \`ingest --window 5m\`): the model (ridge regression on lags, same weekday-slot
and time-of-day averages; scaled historical average while it has under a day of history) and the three
baselines (seasonal naive, historical average, historical average × the last hour's ratio). Built
from released counts only (each ≥ k, differencing-safe); forecasts below k are withheld (empty).
With --corridor: the same forecasters on a traffic corridor's 5-minute series (docs/traffic.md):
its released flow (devices crossing; withheld bins are gaps, forecasts below k withheld) or its median
speed in km/h (bins with ≥ 5 devices whose flow is released). See docs/forecast.md.

Options:
  --db FILE         DuckDB file written by ingest/stream (read-only)
  --area ID         the watched area's id
  --areas FILE      watched areas GeoJSON (the alerts' --areas file)
  --zones NAME      or: a zone system in the database holding the area (default "${DEFAULT_AREA_ZONES}":
                    citypulse zones load areas.geojson --name ${DEFAULT_AREA_ZONES} --db FILE)
  --corridor ID     or: a traffic corridor's id (learned ids as in citypulse export traffic)
  --metric M        with --corridor: flow | speed (default flow)
  --corridors FILE  with --corridor: declared corridors, JSON or GeoJSON (default: learned from the hops)
  --at T            forecast as of T (RFC 3339 or epoch ms; default: after the last released window)
  --k K             release threshold, ≥ 2 (default ${DEFAULT_K})
  --format F        csv | json (default csv)
  --out PATH        output file (default: standard output)
  -h, --help        this help

Example:
  citypulse forecast --db out/demo/citypulse.duckdb --areas out/demo/areas.geojson --area stadium-1 \\
    --at 2026-03-02T18:00:00Z --format json
  citypulse forecast --db out/demo/citypulse.duckdb --corridors out/demo/sim/corridors.json --corridor radial-0-inner-in --metric speed
`;

async function run(argv: string[], ctx: CommandContext): Promise<number> {
  const args = parseCommandArgs(argv, {
    db: { type: 'string' }, area: { type: 'string' }, corridor: { type: 'string' }, metric: { type: 'string', default: 'flow' }, corridors: { type: 'string' }, areas: { type: 'string' }, zones: { type: 'string' }, at: { type: 'string' },
    k: { type: 'string', default: String(DEFAULT_K) }, format: { type: 'string', default: 'csv' }, out: { type: 'string' },
  }, HELP, ctx);
  if (!args) return 0;
  const v = args.values;
  const dbPath = required(v, 'db');
  if (v.corridor !== undefined) return runCorridor(v, dbPath, ctx);
  if (v.corridors !== undefined) throw new UsageError('--corridors needs --corridor ID');
  const areaId = required(v, 'area');
  if (v.areas !== undefined && v.zones !== undefined) throw new UsageError('give --areas FILE or --zones NAME, not both');
  const format = v.format as (typeof FORMATS)[number];
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got ${v.format}`);
  const k = Number(v.k);
  if (!Number.isInteger(k) || k < 2) throw new UsageError(`--k must be an integer ≥ 2, got ${v.k}`);
  const at = parseTimeArg(v.at, '--at');
  const db = await openDatabase(dbPath, { readOnly: true });
  let text: string;
  try {
    const area = await findForecastArea(db.connection, v.areas !== undefined ? { areasFile: v.areas } : { zones: v.zones ?? DEFAULT_AREA_ZONES }, areaId);
    const f = await buildAreaForecast(db.connection, { area, k, at });
    text = format === 'csv' ? areaForecastCsv(f) : JSON.stringify(areaForecastJson(f), null, 1) + '\n';
  } catch (err) {
    if (err instanceof AreaError) throw new UsageError(err.message);
    throw err;
  } finally {
    db.close();
  }
  if (v.out) {
    await writeFile(v.out, text);
    ctx.stdout.write(`forecast ${areaId} → ${v.out}\n`);
  } else ctx.stdout.write(text);
  return 0;
}

type Values = Record<string, string | boolean | undefined>;

/** `--corridor ID`: a corridor's flow or speed, one hour ahead. */
async function runCorridor(v: Values, dbPath: string, ctx: CommandContext): Promise<number> {
  const id = String(v.corridor);
  if (v.area !== undefined || v.areas !== undefined || v.zones !== undefined) throw new UsageError('give --area or --corridor, not both');
  const metric = String(v.metric) as CorridorMetric;
  if (!CORRIDOR_METRICS.includes(metric)) throw new UsageError(`--metric must be one of ${CORRIDOR_METRICS.join(', ')}, got ${String(v.metric)}`);
  const format = String(v.format) as (typeof FORMATS)[number];
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got ${String(v.format)}`);
  const k = Number(v.k);
  if (!Number.isInteger(k) || k < 2) throw new UsageError(`--k must be an integer ≥ 2, got ${String(v.k)}`);
  const at = parseTimeArg(v.at as string | undefined, '--at');
  const corridors = v.corridors !== undefined ? await readCorridorsFile(String(v.corridors)) : undefined;
  const db = await openDatabase(dbPath, { readOnly: true });
  let f: AreaForecast;
  try {
    if (!(await hasTrafficTables(db.connection))) throw new UsageError(`--db ${dbPath}: no traffic_hops table (ingest a simulation with roads, or events with handovers)`);
    f = await buildCorridorForecast(db.connection, { corridor: id, metric, k, at, corridors });
  } finally {
    db.close();
  }
  const text = format === 'csv' ? areaForecastCsv(f, 'corridor') : JSON.stringify(areaForecastJson(f, 'corridor', { metric }), null, 1) + '\n';
  if (v.out) {
    await writeFile(String(v.out), text);
    ctx.stdout.write(`forecast ${id} ${metric} → ${String(v.out)}\n`);
  } else ctx.stdout.write(text);
  return 0;
}

/** `citypulse forecast`: a watched area's occupancy, one hour ahead. */
export const forecastCommand: Command = {
  name: 'forecast',
  summary: "one-hour forecast of a watched area's occupancy or a corridor's flow/speed (model and baselines, k-safe)",
  help: HELP,
  run,
};
