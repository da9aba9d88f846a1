import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { ensureAnalystTables } from '../../outputs/duckdb/ensure-analyst-tables.ts';
import { recordOperation } from '../flags/ledger-flags.ts';
import { openDatabase } from '../../outputs/duckdb/open.ts';
import { storeZoneSystem } from '../../outputs/duckdb/store-zone-system.ts';
import { mapZoneCells, OVERLAP_RULES, type OverlapRule } from '../../zones/map-zone-cells.ts';
import { readZoneFeatures } from '../../zones/read-zone-features.ts';
import { ZoneError } from '../../zones/zone-error.ts';
import { baseResolution } from '../base-resolution.ts';
import { UsageError, parseCommandArgs, required, type Command, type CommandContext, dispatchSubcommand } from '../command.ts';

const HELP = `Usage: citypulse zones load FILE.geojson --name NAME --db FILE [options]
       citypulse zones list --db FILE

Loads a zone system — districts, neighbourhoods, census areas — so queries can count people per zone
(sql/zone_totals.sql, zone_timeseries, week_over_week). Each zone gets the H3 cells of the base
resolution whose CENTRE lies inside its polygon: every cell belongs to at most one zone, zones that
tile the city leave no cell out, and people are never counted in two zones. A zone smaller or thinner
than a hexagon may get no cell (reported). Writes tables zones (id, name, area_km2, GeoJSON) and
zone_cells (zone_system, zone_id, zone_name, h3); loading the same --name again replaces it.

The file: a GeoJSON FeatureCollection in WGS84 longitude/latitude (EPSG:4326) of Polygon or
MultiPolygon features.

Options of load:
  --name NAME            name of the zone system (e.g. milan_nil)
  --db FILE              DuckDB file (created if missing; needs the writer lock: not while a stream runs)
  --res R                H3 resolution (default: the base resolution of the stored presence, else 9)
  --id-prop P            property with the zone id (default: detected — id, zone_id, code, ID_…/…_id,
                         fid, objectid, the feature id — the first present and unique in every feature)
  --name-prop P          property with the zone name (default: detected — name, zone_name, nome, NIL,
                         label, title, name_…/…_name — else the id)
  --on-overlap R         error (default) | first: a cell centre inside two zones goes to the first
  -h, --help             this help

Example:
  citypulse zones load ../shared/data/milan/nil_districts.geojson --name milan_nil --db out/demo/citypulse.duckdb
`;

export const zonesCommand: Command = {
  name: 'zones',
  summary: 'load a zone system (GeoJSON polygons → H3 cells by centre) for per-zone queries',
  help: HELP,
  async run(argv, ctx) {
    return dispatchSubcommand('zones', argv, ctx, HELP, { load, list });
  },
};

async function load(argv: string[], ctx: CommandContext): Promise<number> {
  const args = parseCommandArgs(
    argv,
    {
      name: { type: 'string' },
      db: { type: 'string' },
      res: { type: 'string' },
      'id-prop': { type: 'string' },
      'name-prop': { type: 'string' },
      'on-overlap': { type: 'string', default: 'error' },
    },
    HELP,
    ctx,
    true,
  );
  if (!args) return 0;
  const v = args.values;
  if (args.positionals.length !== 1) throw new UsageError('zones load takes one GeoJSON file');
  const file = args.positionals[0]!;
  const name = required(v, 'name');
  const dbPath = required(v, 'db');
  const onOverlap = v['on-overlap'] as OverlapRule;
  if (!OVERLAP_RULES.includes(onOverlap)) throw new UsageError(`--on-overlap must be one of ${OVERLAP_RULES.join(', ')}`);
  if (!existsSync(file)) throw new UsageError(`${file}: no such file`);
  let geojson: unknown;
  try {
    geojson = JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new ZoneError(`${file} is not JSON: ${(cause as Error).message}`, { cause });
  }
  const read = readZoneFeatures(geojson, { idProp: v['id-prop'], nameProp: v['name-prop'] });
  const db = await openDatabase(dbPath);
  try {
    const res = await baseResolution(db.connection, v.res);
    const mapped = mapZoneCells(read.zones, { res, onOverlap });
    const cells = await storeZoneSystem(db.connection, name, mapped);
    const zoneArea = read.zones.reduce((s, z) => s + z.areaKm2, 0);
    const diff = zoneArea > 0 ? ((mapped.cellAreaKm2 - zoneArea) / zoneArea) * 100 : 0;
    ctx.stdout.write(
      `zones    ${read.zones.length} zones of ${basename(file)} → zone system "${name}" in ${dbPath} (id: ${read.idProp}, name: ${read.nameProp ?? read.idProp})\n` +
        `cells    ${cells} H3 cells at res ${res} by centre: ${mapped.cellAreaKm2.toFixed(1)} km² for ${zoneArea.toFixed(1)} km² of zones (${diff >= 0 ? '+' : ''}${diff.toFixed(1)}%)\n`,
    );
    if (mapped.overlaps > 0) ctx.stdout.write(`overlap  ${mapped.overlaps} cells had their centre in two zones; each kept in the first\n`);
    if (mapped.empty.length > 0) ctx.stdout.write(`warning  ${mapped.empty.length} zones got no cell (thinner than a res-${res} hexagon): ${mapped.empty.join(', ')}\n`);
    await recordOperation(db.connection, ctx, 'zones_loaded', { name, file: basename(file), zones: read.zones.length, cells, res });
    return 0;
  } finally {
    db.close();
  }
}

async function list(argv: string[], ctx: CommandContext): Promise<number> {
  const args = parseCommandArgs(argv, { db: { type: 'string' } }, HELP, ctx);
  if (!args) return 0;
  const dbPath = required(args.values, 'db');
  if (!existsSync(dbPath)) throw new UsageError(`--db ${dbPath}: no such file`);
  const db = await openDatabase(dbPath, { readOnly: true });
  try {
    await ensureAnalystTables(db.connection, true);
    const reader = await db.connection.runAndReadAll(
      `SELECT z.zone_system, count(*) AS zones, sum(z.area_km2) AS km2,
              (SELECT count(*) FROM zone_cells c WHERE c.zone_system = z.zone_system) AS cells
       FROM zones z GROUP BY z.zone_system ORDER BY z.zone_system`,
    );
    const rows = reader.getRowsJS() as [string, bigint, number, bigint][];
    if (rows.length === 0) ctx.stdout.write('no zone systems (load one with citypulse zones load)\n');
    for (const [system, zones, km2, cells] of rows) ctx.stdout.write(`${system}  ${zones} zones, ${cells} cells, ${km2.toFixed(1)} km²\n`);
    return 0;
  } finally {
    db.close();
  }
}
