import { ALERT_LEVELS } from '../../../schemas/alert.ts';
import { readAreasFile } from '../../alerts/areas/read-areas-file.ts';
import { fmtInt } from '../../alerts/engine/alert-message.ts';
import { DEFAULT_LEVELS, mergeThresholds } from '../../alerts/engine/level-thresholds.ts';
import { UsageError, dispatchSubcommand, parseCommandArgs, type Command, type CommandContext } from '../command.ts';

const HELP = `Usage: citypulse areas check FILE [--res N] [--json]

Checks a watched-areas file for crowd alerts and shows what will be watched: each area's H3 cells
at the base resolution and their total area.

FILE is GeoJSON: a FeatureCollection of Polygon / MultiPolygon features with properties
  id             unique id (string or number; else the feature's id)          required
  name           display name                                                  default: the id
  capacity       people the place holds                                        required, integer ≥ 1
  levels         {"notice": 0.6, "warning": 0.8, "critical": 1.0} fractions of capacity (any subset)
  scale          people per present device for this area (default --people-per-device)
  density_limit  people/km² that raises density alerts (none: no density alerts)

A cell belongs to an area when its centre lies inside the polygon (h3 polygonToCells); an area too
small to contain a cell centre gets the cell containing its centroid.

Options:
  --res N        base H3 resolution, as given to ingest/stream (default 9)
  --json         print the areas as JSON (id, name, capacity, levels, scale, density_limit, km2, cells)
  -h, --help     this help

Example:
  citypulse areas check test/alerts/in/milan-areas.geojson --res 9
`;

export const areasCommand: Command = {
  name: 'areas',
  summary: 'areas check: validate a watched-areas GeoJSON, show each area\'s H3 cells and km²',
  help: HELP,
  run: (argv, ctx) => dispatchSubcommand('areas', argv, ctx, HELP, { check }),
};

async function check(rest: string[], ctx: CommandContext): Promise<number> {
  const args = parseCommandArgs(rest, { res: { type: 'string', default: '9' }, json: { type: 'boolean' } }, HELP, ctx, true);
  if (!args) return 0;
  const [file, ...extra] = args.positionals;
  if (!file) throw new UsageError('give the areas file: citypulse areas check FILE');
  if (extra.length > 0) throw new UsageError(`one file at a time, got also ${extra.join(' ')}`);
  const res = Number(args.values.res);
  if (!Number.isInteger(res) || res < 0 || res > 15) throw new UsageError(`--res must be an integer 0–15, got ${args.values.res}`);
  const areas = await readAreasFile(file, res);
  if (args.values.json) {
    const out = areas.map((a) => ({
      id: a.id,
      name: a.name,
      capacity: a.capacity,
      levels: mergeThresholds(DEFAULT_LEVELS, a.levels, a.id),
      scale: a.scale ?? null,
      density_limit: a.densityLimit ?? null,
      res: a.resolution,
      km2: a.areaKm2,
      centroid_fallback: a.centroidFallback,
      cells: a.cells,
    }));
    ctx.stdout.write(JSON.stringify(out, null, 2) + '\n');
    return 0;
  }
  const cells = areas.reduce((n, a) => n + a.cells.length, 0);
  ctx.stdout.write(`${file}: ${areas.length} area${areas.length === 1 ? '' : 's'}, ${cells} H3 cells at res ${res} (cell-centre containment)\n`);
  for (const a of areas) {
    const lv = mergeThresholds(DEFAULT_LEVELS, a.levels, a.id);
    const levels = ALERT_LEVELS.map((l) => `${Math.round(lv[l] * 100)}`).join('/') + '%';
    const parts = [
      `capacity ${fmtInt(a.capacity)}`,
      `${a.cells.length} cell${a.cells.length === 1 ? '' : 's'}`,
      `${a.areaKm2.toFixed(3)} km²`,
      `levels ${levels}`,
      a.scale === undefined ? null : `scale ${a.scale}`,
      a.densityLimit === undefined ? null : `density limit ${fmtInt(a.densityLimit)}/km²`,
      a.centroidFallback ? 'no cell centre inside: centroid cell' : null,
    ].filter((x) => x !== null);
    ctx.stdout.write(`\n${a.id}  ${a.name === a.id ? '' : `"${a.name}"  `}${parts.join('  ')}\n`);
    for (let i = 0; i < a.cells.length; i += 6) ctx.stdout.write(`  ${a.cells.slice(i, i + 6).join(' ')}\n`);
  }
  return 0;
}

