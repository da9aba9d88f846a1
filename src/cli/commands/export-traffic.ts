import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { openDatabase } from '../../outputs/duckdb/open.ts';
import { DEFAULT_K } from '../../outputs/export/k-anonymity.ts';
import { hasTrafficTables } from '../../traffic/duckdb/load-hops.ts';
import { buildTrafficExport } from '../../traffic/export/build-traffic-export.ts';
import { readCorridorsFile } from '../../traffic/export/read-corridors-file.ts';
import { TRAFFIC_FORMATS, writeTraffic, type TrafficFormat } from '../../traffic/export/traffic-writers.ts';
import { UsageError, parseCommandArgs, required, type CommandContext } from '../command.ts';
import { parseTimeArg } from '../time-arg.ts';

/** `--help` of `citypulse export traffic`. */
export const EXPORT_TRAFFIC_HELP = `Usage: citypulse export traffic --db FILE --format F --out PATH [options]

Exports traffic per corridor and 5- or 15-minute bin (docs/traffic.md): flow (devices crossing at
least three corridor cells in order), median speed (≥ 5 devices), travel time and congestion
(1 − speed / night-time free flow), from the handovers the traffic layer stored (table traffic_hops).
Corridors are learned from frequent handover chains unless --corridors declares them.
Flows are released differencing-safe along 5 min → 15 min → hour → day (every flow ≥ k, and no
difference of released flows reveals 1..k−1); a bin whose flow is withheld is left out, speed included.

Options:
  --db FILE              DuckDB file written by ingest/stream (read-only)
  --corridors FILE       declared corridors, JSON or GeoJSON (format in docs/traffic.md); default: learned
  --from T               first bin included (RFC 3339 or epoch ms; default: all)
  --to T                 bins starting before T (default: all)
  --bin B                5m | 15m (default 5m)
  --k K                  release threshold, ≥ 2 (default ${DEFAULT_K})
  --expansion F          people or vehicles per device: flow_expanded = flow × F (default 1)
  --format F             csv | parquet | geojson (default: from the --out extension, else csv)
  --out PATH             output file
  --alerts-out FILE      also write the slowdown alert events (open/resolved per corridor) as NDJSON;
                         their device counts are null below k
  -h, --help             this help

CSV/Parquet columns: corridor, bin_start (RFC 3339 UTC), bin_minutes, flow, flow_expanded, speed_kmh,
travel_time_s, free_flow_kmh, congestion (speed, travel time and congestion empty below 5 devices).
GeoJSON: a LineString per corridor-bin with the corridor's geometry and these properties.

Example:
  citypulse export traffic --db out/demo/citypulse.duckdb --bin 15m --k 5 --format geojson --out out/demo/traffic.geojson
`;

const BINS: Record<string, number> = { '5m': 300_000, '15m': 900_000 };

/** Runs `citypulse export traffic`. */
export async function exportTraffic(rest: string[], ctx: CommandContext): Promise<number> {
  const args = parseCommandArgs(
    rest,
    {
      db: { type: 'string' },
      corridors: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      bin: { type: 'string', default: '5m' },
      k: { type: 'string', default: String(DEFAULT_K) },
      expansion: { type: 'string', default: '1' },
      format: { type: 'string' },
      out: { type: 'string' },
      'alerts-out': { type: 'string' },
    },
    EXPORT_TRAFFIC_HELP,
    ctx,
  );
  if (!args) return 0;
  const v = args.values;
  const dbPath = required(v, 'db');
  const out = required(v, 'out');
  const format = (v.format ?? (out.endsWith('.parquet') ? 'parquet' : out.endsWith('.geojson') || out.endsWith('.json') ? 'geojson' : 'csv')) as TrafficFormat;
  if (!TRAFFIC_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${TRAFFIC_FORMATS.join(', ')}, got ${v.format}`);
  const binMs = BINS[v.bin!];
  if (binMs === undefined) throw new UsageError(`--bin must be 5m or 15m, got ${v.bin}`);
  const k = Number(v.k);
  if (!Number.isInteger(k) || k < 2) throw new UsageError(`--k must be an integer ≥ 2, got ${v.k}`);
  const expansion = Number(v.expansion);
  if (!(expansion > 0 && Number.isFinite(expansion))) throw new UsageError(`--expansion must be a positive number, got ${v.expansion}`);
  const corridors = v.corridors === undefined ? undefined : await readCorridorsFile(v.corridors);
  const from = parseTimeArg(v.from, '--from'), to = parseTimeArg(v.to, '--to');
  const db = await openDatabase(dbPath, { readOnly: true });
  try {
    if (!(await hasTrafficTables(db.connection))) throw new UsageError(`--db ${dbPath}: no traffic_hops table (ingest or stream with this version writes it)`);
    const result = await buildTrafficExport(db.connection, { corridors, from, to, binMs, k, expansion });
    mkdirSync(dirname(out), { recursive: true });
    await writeTraffic(result.rows, result.corridors, format, out, db.connection);
    const alertsOut = v['alerts-out'];
    if (alertsOut !== undefined) {
      mkdirSync(dirname(alertsOut), { recursive: true });
      writeFileSync(alertsOut, result.alerts.map((a) => JSON.stringify({
        alert_id: a.alertId, seq: a.seq, corridor: a.corridor, kind: a.kind, state: a.state,
        bin_start: new Date(a.binStart).toISOString(), opened_bin_start: new Date(a.openedBin).toISOString(),
        speed_kmh: a.speedKmh, free_flow_kmh: a.freeFlowKmh, congestion: a.congestion, devices: a.devices, message: a.message,
      }) + '\n').join(''));
    }
    const withSpeed = result.rows.filter((r) => r.speedKmh !== null).length;
    ctx.stdout.write(
      `traffic  ${result.rows.length} corridor-bins (${withSpeed} with a speed) on ${result.corridors.length} ${corridors ? 'declared' : 'learned'} corridors, ${v.bin} bins → ${out} (${format})\n` +
        `release  ${result.withheldBins} corridor-bins withheld below k=${k} (differencing-safe); ${result.hops} hops read\n` +
        (alertsOut !== undefined ? `alerts   ${result.alerts.filter((a) => a.state === 'open').length} slowdowns opened → ${alertsOut}\n` : ''),
    );
    return 0;
  } finally {
    db.close();
  }
}
