import { AreaError } from '../../alerts/areas/area-error.ts';
import { DEFAULT_K } from '../../outputs/export/k-anonymity.ts';
import { openDatabase } from '../../outputs/duckdb/open.ts';
import { resolvePopulationConfig } from '../../population/engine/population-config.ts';
import { writeEventReport } from '../../population/report/write-event-report.ts';
import { UsageError, dispatchSubcommand, parseCommandArgs, required, type Command, type CommandContext } from '../command.ts';
import { parseTimeArg } from '../time-arg.ts';

const HELP = `Usage: citypulse report event --db FILE --areas FILE --area ID --from T --to T --out FILE.html [options]

Reports on a major event in a watched area (docs/population.md).
Sub-commands:
  event    attendance, peak occupancy, arrival/departure curves, dwell, origins, baseline comparison
`;

/** \`--help\` of \`citypulse report event\`. */
export const REPORT_EVENT_HELP = `Usage: citypulse report event --db FILE --areas FILE --area ID --from T --to T --out FILE.html [options]

A major-event report for a watched area and span: attendance (unique devices with a stay in the
area, and expanded people), peak occupancy and when, arrival and departure curves, dwell-time
distribution, origins of the attendees (home district, roamer country), and the same hours of a
baseline day. Writes a self-contained HTML page with SVG charts and the same figures as JSON
(FILE.json). Every count is k-safe (counts in [1, k) withheld). Needs the trajectory layer's stays.

Options:
  --db FILE              DuckDB file written by ingest/stream (read-only)
  --areas FILE           watched areas (GeoJSON polygons with id, name, capacity: the alerts' --areas file)
  --area ID              the area's id
  --from T, --to T       the event span [from, to) (RFC 3339 or epoch ms)
  --baseline T           start of the baseline span (same length; default 7 days before, else 1 day
                         before, else 1 day after — the first with data)
  --zones NAME           name origins by this zone system (default: H3 res-7 cells)
  --k K                  release threshold, ≥ 2 (default ${DEFAULT_K})
  --people-per-device X  expansion, e.g. 2.5 for a 40 % market share (default 1)
  --time-zone TZ         IANA zone for nights (home detection) and the report's clock (default UTC)
  --home-mcc MCC         the network's MCC (default: the MCC of most devices)
  --out FILE.html        output page; the JSON goes next to it
  -h, --help             this help

Example:
  citypulse report event --db out/demo/citypulse.duckdb --areas out/demo/areas.geojson --area stadium-1 \\
    --from 2026-03-02T17:00:00Z --to 2026-03-03T00:00:00Z --zones districts --out out/demo/event-stadium.html
`;

async function reportEvent(rest: string[], ctx: CommandContext): Promise<number> {
  const args = parseCommandArgs(rest, {
    db: { type: 'string' }, areas: { type: 'string' }, area: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' },
    baseline: { type: 'string' }, zones: { type: 'string' }, k: { type: 'string', default: String(DEFAULT_K) },
    'people-per-device': { type: 'string', default: '1' }, 'time-zone': { type: 'string', default: 'UTC' },
    'home-mcc': { type: 'string' }, out: { type: 'string' },
  }, REPORT_EVENT_HELP, ctx);
  if (!args) return 0;
  const v = args.values;
  const dbPath = required(v, 'db'), areasFile = required(v, 'areas'), areaId = required(v, 'area'), out = required(v, 'out');
  const from = parseTimeArg(required(v, 'from'), '--from')!, to = parseTimeArg(required(v, 'to'), '--to')!;
  if (!(to > from)) throw new UsageError(`--to must be after --from`);
  const k = Number(v.k);
  if (!Number.isInteger(k) || k < 2) throw new UsageError(`--k must be an integer ≥ 2, got ${v.k}`);
  const ppd = Number(v['people-per-device']);
  if (!(ppd > 0 && Number.isFinite(ppd))) throw new UsageError(`--people-per-device must be a positive number, got ${v['people-per-device']}`);
  let config;
  try {
    config = resolvePopulationConfig({ timeZone: v['time-zone'] });
  } catch (err) {
    throw new UsageError(`--time-zone: ${(err as Error).message}`);
  }
  const db = await openDatabase(dbPath, { readOnly: true });
  try {
    const r = await writeEventReport(db.connection, {
      areasFile, areaId, from, to, baselineFrom: parseTimeArg(v.baseline, '--baseline'),
      space: v.zones ? { zones: v.zones } : { res: 7 }, config, homeMcc: v['home-mcc'], k, peoplePerDevice: ppd, out,
    });
    const d = r.data;
    const n = (x: number | null) => (x === null ? `<${k}` : String(x));
    ctx.stdout.write(
      `event    ${d.area.name} (${d.area.id}) ${new Date(from).toISOString()} – ${new Date(to).toISOString()}\n` +
      `attend   ${n(d.attendance.devices)} devices, ${n(d.attendance.people)} people; peak ${n(d.peak.devices)} devices at ${d.peak.at === null ? '–' : new Date(d.peak.at).toISOString()}` +
      `${d.baseline ? `; baseline peak ${n(d.baseline.peakDevices)} (from ${new Date(d.baseline.from).toISOString()})` : '; no baseline data'}\n` +
      `origins  ${d.originsSuppressed ? 'withheld (below k)' : d.origins.map((o) => `${o.origin} ${o.devices}`).join(', ') || 'none'}\n` +
      `files    ${r.html}, ${r.json}\n`,
    );
    return 0;
  } catch (err) {
    if (err instanceof RangeError || err instanceof AreaError) throw new UsageError(`${err.message}`);
    throw err;
  } finally {
    db.close();
  }
}

/** `citypulse report`: reports (event). */
export const reportCommand: Command = {
  name: 'report',
  summary: 'report event: a major-event report (HTML + JSON) for a watched area',
  help: HELP,
  run: (argv, ctx) => dispatchSubcommand('report', argv, ctx, HELP, { event: reportEvent }),
};
