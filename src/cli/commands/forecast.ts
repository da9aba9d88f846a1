import { writeFile } from 'node:fs/promises';
import { AreaError } from '../../alerts/areas/area-error.ts';
import { openDatabase } from '../../outputs/duckdb/open.ts';
import { DEFAULT_K } from '../../outputs/export/k-anonymity.ts';
import { buildAreaForecast, DEFAULT_AREA_ZONES, findForecastArea } from '../../traffic/duckdb/forecast-area.ts';
import { areaForecastCsv, areaForecastJson } from '../../traffic/forecast/released-forecast.ts';
import { UsageError, parseCommandArgs, required, type Command, type CommandContext } from '../command.ts';
import { parseTimeArg } from '../time-arg.ts';

const FORMATS = ['csv', 'json'] as const;

const HELP = `Usage: citypulse forecast --db FILE --area ID [--areas FILE | --zones NAME] [--at T] [--format csv|json] [--out PATH]

One-hour-ahead forecast of a watched area's occupancy (devices present) in steps of the database's
window (5 minutes with \`ingest --window 5m\`): the model (ridge regression on lags, same weekday-slot
and time-of-day averages; scaled historical average while it has under a day of history) and the three
baselines (seasonal naive, historical average, historical average × the last hour's ratio). Built
from released counts only (each ≥ k, differencing-safe); forecasts below k are withheld (empty).
See docs/forecast.md.

Options:
  --db FILE         DuckDB file written by ingest/stream (read-only)
  --area ID         the watched area's id
  --areas FILE      watched areas GeoJSON (the alerts' --areas file)
  --zones NAME      or: a zone system in the database holding the area (default "${DEFAULT_AREA_ZONES}":
                    citypulse zones load areas.geojson --name ${DEFAULT_AREA_ZONES} --db FILE)
  --at T            forecast as of T (RFC 3339 or epoch ms; default: after the last released window)
  --k K             release threshold, ≥ 2 (default ${DEFAULT_K})
  --format F        csv | json (default csv)
  --out PATH        output file (default: standard output)
  -h, --help        this help

Example:
  citypulse forecast --db out/demo/citypulse.duckdb --areas out/demo/areas.geojson --area stadium-1 \\
    --at 2026-03-02T18:00:00Z --format json
`;

async function run(argv: string[], ctx: CommandContext): Promise<number> {
  const args = parseCommandArgs(argv, {
    db: { type: 'string' }, area: { type: 'string' }, areas: { type: 'string' }, zones: { type: 'string' }, at: { type: 'string' },
    k: { type: 'string', default: String(DEFAULT_K) }, format: { type: 'string', default: 'csv' }, out: { type: 'string' },
  }, HELP, ctx);
  if (!args) return 0;
  const v = args.values;
  const dbPath = required(v, 'db'), areaId = required(v, 'area');
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

/** `citypulse forecast`: a watched area's occupancy, one hour ahead. */
export const forecastCommand: Command = {
  name: 'forecast',
  summary: "one-hour forecast of a watched area's occupancy (model and baselines, k-safe)",
  help: HELP,
  run,
};
