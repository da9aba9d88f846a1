/**
 * The main job — what `npm start` runs on a fresh machine, with nothing outside the repository:
 * simulate a day of a small city, ingest it into DuckDB, load its districts, export population
 * heatmaps (GeoJSON, CSV, Parquet) and a map picture of the busiest hour, and print a summary.
 *
 *   node jobs/main.ts [--out DIR] [--subscribers N] [--seed S] [--k K]
 */
import { resolveKeyFile } from '../src/core/key-location.ts';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Readable, Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { followFile } from '../src/ingest/sources/follow-file.ts';
import { main } from '../src/cli/main.ts';
import type { CommandContext } from '../src/cli/command.ts';
import { createCliLogger } from '../src/cli/log/create-cli-logger.ts';
import { formatDuration } from '../src/core/duration.ts';
import { JOB_REGISTRY } from './index.ts';
import { openDatabase } from '../src/outputs/duckdb/open.ts';
import { queryHeatmap } from '../src/outputs/export/heatmap-query.ts';
import { heatmapSvg } from '../src/outputs/export/heatmap-svg.ts';
import { readCorridorsFile } from '../src/traffic/export/read-corridors-file.ts';
import { writeTrafficPicture } from '../src/traffic/export/write-traffic-picture.ts';
import { circle } from '@turf/turf';

/** Watched areas around the simulator's planted venues, plus a quiet district. */
function watchedAreas(simDir: string) {
  // The stadium stands apart (nobody lives there), so its disc's population is the crowd itself; the
  // planted square gathering is in the dense centre and would need a baseline-aware capacity.
  const scenarios = (JSON.parse(readFileSync(join(simDir, 'truth', 'scenarios.json'), 'utf8')) as {
    id: string; kind: string; zoneName: string; center: { lat: number; lon: number }; expectedPeople: number;
  }[]).filter((sc) => sc.kind === 'stadium');
  const zones = JSON.parse(readFileSync(join(simDir, 'zones.geojson'), 'utf8')) as { features: { properties: Record<string, unknown>; geometry: unknown }[] };
  const features: unknown[] = scenarios.map((sc) => ({
    ...circle([sc.center.lon, sc.center.lat], 1, { units: 'kilometers', steps: 48 }),
    properties: { id: sc.id, name: sc.zoneName, capacity: Math.max(20, Math.round(sc.expectedPeople * 0.8)) },
  }));
  const quiet = zones.features.find((f) => !f.properties.venue && /suburb|periferia|quartiere/i.test(String(f.properties.name))) ?? zones.features.at(-1);
  if (quiet) features.push({ type: 'Feature', geometry: quiet.geometry, properties: { id: `quiet-${String(quiet.properties.id)}`, name: String(quiet.properties.name), capacity: 100_000 } });
  return { type: 'FeatureCollection', features };
}

const HELP = `Usage: npm start -- [--out DIR] [--subscribers N] [--seed S] [--k K] [--sequential]

The citypulse demo: simulate → ingest → districts → heatmap exports → map picture → summary.
  --out DIR          output folder (default out/demo; replaced)
  --subscribers N    simulated subscribers (default 20000)
  --seed S           simulator seed (default 1)
  --k K              k-anonymity threshold of the exports (default 20)
  --sequential       simulate first, then ingest (default: the ingest follows the simulator's
                     output on a second thread, so the two overlap)
`;

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: 'out/demo' },
    subscribers: { type: 'string', default: '20000' },
    seed: { type: 'string', default: '1' },
    k: { type: 'string', default: '20' },
    sequential: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

const out = resolve(values.out);
const t0 = performance.now();
const controller = new AbortController();
process.on('SIGINT', () => controller.abort());
const captured: string[] = [];
const ctx: CommandContext = {
  env: { ...process.env, CITYPULSE_KEY_FILE: process.env.CITYPULSE_KEY_FILE ?? resolveKeyFile(process.env, 'demo-pseudonym.key') },
  stdout: new Writable({ write: (c, _e, cb) => (captured.push(String(c)), cb()) }),
  stderr: process.stderr,
  stdin: process.stdin,
  signal: controller.signal,
};
const log = createCliLogger({ stream: process.stderr, format: process.env.CITYPULSE_LOG_FORMAT === 'json' ? 'json' : 'text' });
ctx.log = log;

/** Wall time of each step, in start order, for the summary's `steps` section: where the time goes. */
const stepTimes: { title: string; ms: number }[] = [];

/** Logs a step's start; the returned function logs its end and keeps its time for the summary. */
function startStep(title: string): () => void {
  const t = performance.now();
  const entry = { title, ms: NaN };
  stepTimes.push(entry);
  log({ type: 'demo.step.started', title });
  return () => {
    entry.ms = performance.now() - t;
    log({ type: 'demo.step.finished', title, ms: entry.ms });
  };
}

async function step(title: string, argv: string[], stepCtx = ctx): Promise<string> {
  const finished = startStep(title);
  captured.length = 0;
  const code = await main(argv, stepCtx, { jobs: JOB_REGISTRY });
  const text = captured.join('');
  if (code !== 0) {
    process.stderr.write(text);
    throw new Error(`step "${title}" failed (exit ${code}): citypulse ${argv.join(' ')}`);
  }
  finished();
  return text;
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const sim = join(out, 'sim');
const db = join(out, 'citypulse.duckdb');

const simArgv = ['simulate', '--out', sim, '--subscribers', values.subscribers, '--seed', values.seed, '--bad-rate', '0.0005', '--roads', '--incident', 'on'];
const areasPath = join(out, 'areas.geojson');
const alertsPath = join(out, 'alerts.ndjson');
const eventsPath = join(sim, 'events.ndjson');
const INGEST_TITLE = 'ingest into DuckDB (event-time windows of 15 min, H3 res 9) with crowd alerts';
const ingestArgv = (from: string) => [
  'ingest', '--from', from, ...(from === '-' ? ['--source-name', eventsPath] : []), '--cells', join(sim, 'cells.csv'), '--db', db, '--replace',
  '--areas', areasPath, '--alerts-out', alertsPath,
];
// Watched areas for crowd alerts: a 1 km disc around the planted stadium (the cell sites that serve
// it stand a few hundred metres around it), with a capacity the planted crowd exceeds, and one quiet
// residential district that should raise nothing.
const writeAreas = () => writeFileSync(areasPath, JSON.stringify(watchedAreas(sim), null, 1));
let simText: string;
let ingestText: string;
if (values.sequential) {
  simText = await step('simulate one day of a small city', simArgv);
  writeAreas();
  ingestText = await step(INGEST_TITLE, ingestArgv(eventsPath));
} else {
  // The simulator runs on a thread of its own while the ingest reads events.ndjson as it grows
  // (`ingest --from -` over the followed file, named after it): the two big steps overlap on two cores.
  const finished = startStep('simulate one day of a small city (on a second thread), ingesting as it writes');
  const worker = new Worker(new URL('./simulate-worker.ts', import.meta.url), { workerData: { argv: simArgv, env: ctx.env } });
  const simulated = new Promise<string>((resolveSim, rejectSim) => {
    worker.once('message', (m: { code: number; stdout: string; stderr: string }) => {
      if (m.code === 0) resolveSim(m.stdout);
      else rejectSim(new Error(`step "simulate" failed (exit ${m.code}): citypulse ${simArgv.join(' ')}\n${m.stderr}`));
    });
    worker.once('error', rejectSim);
    worker.once('exit', (code) => rejectSim(new Error(`the simulator thread exited (${code}) before reporting`)));
  });
  let simFailure: unknown = null;
  simulated.catch((err: unknown) => (simFailure = err));
  controller.signal.addEventListener('abort', () => void worker.terminate(), { once: true });
  try {
    // The simulator writes cells.csv, zones.geojson and truth/scenarios.json before it opens events.ndjson.
    while (!existsSync(eventsPath)) {
      await Promise.race([simulated, sleep(20)]);
    }
    writeAreas();
    const ingestCtx: CommandContext = { ...ctx, stdin: Readable.from(followFile(eventsPath, { done: simulated, signal: controller.signal })) };
    ingestText = await step(INGEST_TITLE, ingestArgv('-'), ingestCtx);
    simText = await simulated;
  } catch (err) {
    // A simulator that failed explains the ingest's failure (its input ended early).
    throw simFailure ?? err;
  } finally {
    await worker.terminate();
  }
  finished();
}
const alerts = readFileSync(alertsPath, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
await step('load the city districts as a zone system', ['zones', 'load', join(sim, 'zones.geojson'), '--name', 'districts', '--db', db]);
await step('load the cell table', ['cells', 'load', join(sim, 'cells.csv'), '--db', db]);
// One export for the three files: the release behind them is computed once, not once per format.
const heatmapFiles = ['geojson', 'csv', 'parquet'].map((ext) => join(out, `heatmap-res8.${ext}`));
const heatmapText = await step('export the res-8 heatmap as geojson, csv and parquet', [
  'export', 'heatmap', '--db', db, '--res', '8', '--k', values.k, ...heatmapFiles.flatMap((f) => ['--out', f]),
]);
// Its output has one block per file, each starting with a `heatmap` line.
const exports = heatmapText.trim().split(/\n(?=heatmap )/).map((text, i) => `${heatmapFiles[i]}\n    ${text.trim().split('\n').join('\n    ')}`);

// The event report of the planted stadium event (docs/population.md): 2 h before it starts to 2 h after.
const stadium = (JSON.parse(readFileSync(join(sim, 'truth', 'scenarios.json'), 'utf8')) as { id: string; kind: string; start: string; end: string }[])
  .find((sc) => sc.kind === 'stadium');
let eventText = '';
const eventPath = join(out, 'event-stadium.html');
if (stadium) {
  eventText = await step('event report of the stadium', [
    'report', 'event', '--db', db, '--areas', areasPath, '--area', stadium.id, '--zones', 'districts', '--k', values.k,
    '--from', new Date(Date.parse(stadium.start) - 2 * 3_600_000).toISOString(), '--to', new Date(Date.parse(stadium.end) + 2 * 3_600_000).toISOString(),
    '--out', eventPath,
  ]);
}

// The map picture: the busiest window of the day at res 8.
const mapFinished = startStep('map of the busiest window (res 8)');
const database = await openDatabase(db, { readOnly: true });
let picture = '';
let busiest = '';
try {
  const all = await queryHeatmap(database.connection, { res: 8, k: Number(values.k) });
  const byWindow = new Map<number, number>();
  for (const c of all.cells) byWindow.set(c.windowStart, (byWindow.get(c.windowStart) ?? 0) + c.present);
  const [peak] = [...byWindow].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  if (peak) {
    const cells = all.cells.filter((c) => c.windowStart === peak[0]);
    const top = [...cells].sort((a, b) => b.present - a.present)[0]!;
    busiest = `${new Date(peak[0]).toISOString().slice(0, 16)}Z, busiest hexagon ${top.h3} with ${top.present} devices`;
    const zones = JSON.parse(readFileSync(join(sim, 'zones.geojson'), 'utf8')) as { features: { geometry: { type: string; coordinates: unknown } }[] };
    const outlines = zones.features.flatMap((f) =>
      f.geometry.type === 'Polygon' ? [f.geometry.coordinates as number[][][]] : (f.geometry.coordinates as number[][][][]),
    );
    picture = join(out, 'heatmap.svg');
    writeFileSync(
      picture,
      heatmapSvg(cells, {
        title: `Devices present per hexagon (H3 res 8), ${new Date(peak[0]).toISOString().slice(0, 16).replace('T', ' ')} UTC`,
        subtitle: `citypulse demo: simulated city, ${values.subscribers} subscribers; released at k = ${values.k} (docs/privacy.md)`,
        outlines,
        attribution: 'Simulated data (citypulse simulate). Hexagons: Uber H3.',
      }),
    );
  }
} finally {
  database.close();
}
mapFinished();

// Traffic (docs/traffic.md): corridors learned from the handovers, released per 15-minute bin, and a
// picture of the most congested bin on the simulator's road corridors.
const trafficPath = join(out, 'traffic-15m.geojson');
const trafficText = await step('export traffic per learned corridor (15-min bins)', [
  'export', 'traffic', '--db', db, '--bin', '15m', '--k', values.k, '--format', 'geojson', '--out', trafficPath,
]);
const trafficPicture = join(out, 'traffic.svg');
let trafficSummary = '';
{
  const finished = startStep('traffic tables and corridor picture');
  const tdb = await openDatabase(db);
  try {
    const zones = JSON.parse(readFileSync(join(sim, 'zones.geojson'), 'utf8')) as { features: { geometry: { type: string; coordinates: unknown } }[] };
    trafficSummary = await writeTrafficPicture(tdb.connection, {
      path: trafficPicture,
      corridors: await readCorridorsFile(join(sim, 'corridors.json')),
      outlines: zones.features.flatMap((f) => (f.geometry.type === 'Polygon' ? [f.geometry.coordinates as number[][][]] : (f.geometry.coordinates as number[][][][]))),
      subtitle: `citypulse demo: simulated city with roads, ${values.subscribers} subscribers; radials and ring declared from the simulator (sim/corridors.json)`,
    });
  } finally {
    tdb.close();
  }
  finished();
}

const secs = performance.now() - t0;
process.stdout.write(`
citypulse demo — done in ${formatDuration(secs)}

simulation
    ${simText.trim().split('\n').join('\n    ')}
ingest
    ${ingestText.trim().split('\n').join('\n    ')}
busiest window
    ${busiest || '(none above k)'}
event report of the stadium
    ${eventText.trim().split('\n').join('\n    ') || '(no stadium planted)'}
traffic
    ${trafficText.trim().split('\n').join('\n    ')}
    ${trafficSummary}
crowd alerts (${alerts.length} events; ${new Set(alerts.map((a) => a.alert_id)).size} incidents)
    ${alerts.filter((a) => a.state !== 'ongoing').slice(0, 12).map((a) => `${String(a.window_start).slice(11, 16)}Z  ${String(a.state).padEnd(10)} ${String(a.level).padEnd(8)} ${String(a.kind).padEnd(9)} ${a.area_name}  ${a.people}/${a.capacity}`).join('\n    ')}

files
    ${db}   (tables presence, dead_letters, late_events, zones, zone_cells, cells)
    ${exports.join('\n    ')}
    ${picture}   (map of the busiest window — open it in a browser)
    ${trafficPicture}   (traffic corridors coloured by congestion; tables traffic_*; ${trafficPath})
    ${stadium ? `${eventPath}   (event report of the stadium, with its .json)\n    ` : ''}${alertsPath}   (crowd alerts as NDJSON; also in the table alerts; watched areas: ${areasPath})
    ${sim}/   (simulated events, cell table, districts and ground truth)

steps (wall time; the ingest runs inside the first)
    ${stepTimes.map((x) => `${formatDuration(x.ms).padStart(8)}  ${x.title}`).join('\n    ')}

next
    npx citypulse sql list
    npx citypulse sql run heatmap --db ${db} --param res=7 --format table
`);
