import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import type { FeatureCollection } from 'geojson';
import { cellTableCsv } from '../../sim/city/cell-table-csv.ts';
import { zonesToGeoJson } from '../../sim/city/zones-to-geojson.ts';
import { resolveSimConfig } from '../../sim/resolve-sim-config.ts';
import type { SimConfig } from '../../sim/sim-config.ts';
import { Simulation } from '../../sim/simulation.ts';
import { scenariosJson } from '../../sim/truth/scenarios-json.ts';
import { TRUTH_CSV } from '../../sim/truth/truth-csv.ts';
import { TruthOd } from '../../sim/truth/truth-od.ts';
import { PopulationTruth } from '../../sim/truth/population-truth.ts';
import type { TruthSink } from '../../sim/truth/truth-sink.ts';
import { type Command, logOf, parseCommandArgs, required, UsageError } from '../command.ts';
import { formatDuration, parseDuration } from '../../core/duration.ts';
import { formatCount, Progress } from '../progress.ts';
import { parseIncident } from '../../sim/roads/parse-incident.ts';
import { RoadOutputs, ROADS_HELP_FILES } from './simulate-roads.ts';

const HELP = `Usage: citypulse simulate --out DIR [options]

Simulates a city's mobile network feed, deterministically from a seed: subscribers with daily
routines (home, commute, work, lunch, evening out), cell sites denser in the centre (a few re-planned
mid-run), signalling (attach/detach, TAU every 54 min when idle, handovers on the move, call/sms/data
with paging), GPS fixes for some devices, a stadium event and a slow gathering — and the ground truth.

Writes:
  DIR/events.ndjson          records in arrival order (a few seconds of disorder; ~2 % array lines)
  DIR/cells.csv              the cell table (schemas/cell-table.md), re-planned cells in two versions
  DIR/zones.geojson          the zones used
  DIR/truth/positions.csv    window_start,imsi,h3 — res-9 cell where each device spent most of
                             each window (absent while the phone was off)
  DIR/truth/trips.csv        imsi,depart_ts,arrive_ts,from_zone,to_zone,mode
  DIR/truth/od-zones.csv     origin,destination,departure_hour,trips: the true OD over zones.geojson
                             (trips between stays ≥ 15 min, > 1 km apart: docs/mobility.md)
  DIR/truth/scenarios.json   the planted events: venue, start/peakStart/peakEnd/end, expectedPeople
  DIR/truth/bad_lines.csv    line,reason — every bad line and its dead-letter reason (with --bad-rate)
  DIR/truth/homes.csv        imsi,kind,mcc,country,home_zone,work_zone — each device's true class,
                             home and work zone (population truth; docs/population.md)
  DIR/truth/visitors.csv     zone,origin,visitors — true visitors per zone by origin
  DIR/truth/days.csv         day,zone,residents,workers,visitors — who was in each zone each UTC day
${ROADS_HELP_FILES}
Options:
  --out DIR           output folder (created; files in it are overwritten)          required
  --subscribers N     simulated devices                                             default 20000
  --days D            simulated days                                                default 1
  --seed S            random seed; the same seed gives byte-identical output        default 1
  --start ISO         first simulated midnight, the clock of the daily routines (for Milan
                      local time use 2026-03-01T23:00:00Z); keep it in the past: the
                      pipeline rejects events more than a day ahead of the clock    default 2026-03-02T00:00:00Z
  --zones FILE        GeoJSON FeatureCollection of Polygon/MultiPolygon zones to lay the city over
                      (ids from ID_NIL/id, names from NIL/name); default: a city generated
                      from the seed around lat 45.46, lon 9.19
  --bad-rate X        share of lines that are deliberately bad records (0–0.5)      default 0
  --fix-rate X        share of devices that also send GPS fixes (0–1)               default 0.2
  --window DUR        ground-truth window, e.g. 15m, 1h (whole minutes dividing a day) default 15m
  --disorder DUR      maximum arrival delay of a record after its event time        default 30s
  --ping-pong R       ping-pong episodes per hour of a stationary phone (0 disables)   default 1.5
  --stay-home         nobody leaves home (phantom-trip check of the OD accuracy)
  --visitors N        extra visitor devices: domestic day and overnight visitors and inbound
                      roamers (foreign MCCs), each in the city for one visit      default 0
  --roamer-share X    share of the visitors that are inbound roamers (0–1)          default 0.4
  --nights-away X     chance per resident and night of sleeping away from home      default 0
  --roads             car and transit trips follow a road network (radials, ring, arterials) at
                      speed–flow speeds; writes the road truth and corridors (docs/traffic.md)
  --incident SPEC     plant a lane closure (implies --roads): [DAY/]HH:MM[+MINUTES][@EDGE], or
                      on (day 0, 08:00, 60 min, the busiest radial/ring edge)
  -h, --help          this help

Example:
  citypulse simulate --out data/sim --subscribers 50000 --zones ../shared/data/milan/nil_districts.geojson
`;

const OPTIONS = {
  out: { type: 'string' },
  subscribers: { type: 'string' },
  days: { type: 'string' },
  seed: { type: 'string' },
  start: { type: 'string' },
  zones: { type: 'string' },
  'bad-rate': { type: 'string' },
  'fix-rate': { type: 'string' },
  window: { type: 'string' },
  disorder: { type: 'string' },
  'ping-pong': { type: 'string' },
  'stay-home': { type: 'boolean' },
  visitors: { type: 'string' },
  'roamer-share': { type: 'string' },
  'nights-away': { type: 'string' },
  roads: { type: 'boolean' },
  incident: { type: 'string' },
} as const;

/** `citypulse simulate`: writes a simulated feed, its cell table, zones and ground truth. */
export const simulateCommand: Command = {
  name: 'simulate',
  summary: 'simulate a city feed (NDJSON + cell table) with planted events and ground truth',
  help: HELP,
  async run(argv, ctx) {
    const parsed = parseCommandArgs(argv, OPTIONS, HELP, ctx);
    if (!parsed) return 0;
    const v = parsed.values;
    const out = required(v, 'out');
    const config: SimConfig = {
      subscribers: num(v.subscribers, 'subscribers'),
      days: num(v.days, 'days'),
      seed: num(v.seed, 'seed'),
      start: v.start === undefined ? undefined : time(v.start),
      badRate: num(v['bad-rate'], 'bad-rate'),
      fixRate: num(v['fix-rate'], 'fix-rate'),
      windowMs: v.window === undefined ? undefined : duration(v.window, 'window'),
      disorderMs: v.disorder === undefined ? undefined : duration(v.disorder, 'disorder'),
      pingPongPerHour: num(v['ping-pong'], 'ping-pong'),
      stayHome: v['stay-home'] === true ? true : undefined,
      visitors: num(v.visitors, 'visitors'),
      roamerShare: num(v['roamer-share'], 'roamer-share'),
      nightsAwayRate: num(v['nights-away'], 'nights-away'),
      roads: v.roads === true ? true : undefined,
    };
    if (v.incident !== undefined) {
      try {
        config.incident = parseIncident(v.incident);
      } catch (err) {
        throw new UsageError(`--incident: ${(err as Error).message}`);
      }
    }
    try {
      resolveSimConfig(config);
    } catch (err) {
      const flags: Record<string, string> = { badRate: 'bad-rate', fixRate: 'fix-rate', windowMs: 'window', disorderMs: 'disorder', pingPongPerHour: 'ping-pong', roamerShare: 'roamer-share', nightsAwayRate: 'nights-away' };
      throw new UsageError((err as Error).message.replace(/^SimConfig\.incident\.(\w+)/, '--incident $1').replace(/^SimConfig\.(\w+)/, (_, k: string) => `--${flags[k] ?? k}`));
    }
    if (v.zones !== undefined) {
      try {
        config.zones = JSON.parse(await readFile(v.zones, 'utf8')) as FeatureCollection;
      } catch (cause) {
        throw new UsageError(`cannot read --zones ${v.zones}`, { cause });
      }
    }
    const began = performance.now();
    const sim = new Simulation(config);
    const c = sim.config;
    const future = futureShare(c.start, sim.end, Date.now());
    if (future > 0) logOf(ctx)({ type: 'simulate.future', start: c.start, end: sim.end, share: future });
    await mkdir(join(out, 'truth'), { recursive: true });
    await writeFile(join(out, 'cells.csv'), cellTableCsv(sim.city.cells));
    await writeFile(join(out, 'zones.geojson'), JSON.stringify(zonesToGeoJson(sim.city.zones)) + '\n');
    await writeFile(join(out, 'truth', 'scenarios.json'), scenariosJson(sim.scenarios));

    const events = new Sink(join(out, 'events.ndjson'), '');
    const positions = new Sink(join(out, 'truth', 'positions.csv'), TRUTH_CSV.positions.header);
    const trips = new Sink(join(out, 'truth', 'trips.csv'), TRUTH_CSV.trips.header);
    const bad = c.badRate > 0 ? new Sink(join(out, 'truth', 'bad_lines.csv'), TRUTH_CSV.badLines.header) : null;
    const od = new TruthOd();
    const pop = new PopulationTruth(sim.subscribers, sim.city.zones);
    const roadOut = new RoadOutputs(sim);
    const truth: TruthSink = {
      ...roadOut.sink,
      visit: (x) => pop.visit(x),
      position: (p) => positions.add(TRUTH_CSV.positions.row(p)),
      trip: (t) => trips.add(TRUTH_CSV.trips.row(t)),
      odTrip: (t) => od.add(t),
      ...(bad ? { badLine: (b) => bad.add(TRUTH_CSV.badLines.row(b)) } : {}),
    };
    const sinks = [events, positions, trips, ...(bad ? [bad] : [])];
    const progress = new Progress({ stream: ctx.stderr, label: 'simulate', total: c.days * 1440, unit: 'sim-min' , log: logOf(ctx) });
    let aborted = false;
    try {
      for (const chunk of sim.chunks(truth)) {
        events.addLines(chunk);
        for (const s of sinks) await s.maybeFlush();
        progress.update((sim.simulatedUntil - c.start) / 60_000, `${formatCount(sim.stats.lines)} lines`);
        if (ctx.signal.aborted) {
          aborted = true;
          break;
        }
      }
    } finally {
      for (const s of sinks) await s.close();
    }
    progress.finish(`${formatCount(sim.stats.lines)} lines`);
    if (aborted) {
      logOf(ctx)({ type: 'simulate.interrupted', out });
      return 130;
    }
    await writeFile(join(out, 'truth', 'od-zones.csv'), od.csv());
    await writeFile(join(out, 'truth', 'homes.csv'), pop.homesCsv());
    await writeFile(join(out, 'truth', 'visitors.csv'), pop.visitorsCsv());
    await writeFile(join(out, 'truth', 'days.csv'), pop.daysCsv());
    await roadOut.write(out);
    const ms = performance.now() - began;
    const st = sim.stats;
    ctx.stdout.write(
      `${join(out, 'events.ndjson')}: ${st.lines} lines (${st.records} records: ${st.signalling} signalling, ${st.fixes} fixes; ` +
        `${st.arrayLines} array lines, ${st.badLines} bad), ${st.devices} devices, ${(events.bytes / 1e6).toFixed(1)} MB ` +
        `in ${formatDuration(ms)} (${formatCount((st.lines / ms) * 1000)} lines/s)\n` +
        `cells: ${sim.city.cells.length} cell versions on ${new Set(sim.city.sites.map((s) => s.id)).size} sites; zones: ${sim.city.zones.length}; ` +
        `scenarios: ${sim.scenarios.map((s) => `${s.id} (${s.expectedPeople} people in ${s.zoneName ?? '-'})`).join(', ')}\n` +
        `truth: ${join(out, 'truth')}/ (positions ${formatDuration(c.windowMs)} windows, trips, scenarios${bad ? ', bad_lines' : ''})\n`,
    );
    return 0;
  },
};

const CHUNK = 1 << 22;

/**
 * A file written in 4 MB chunks, respecting back-pressure. Text is copied straight into a buffer
 * (ASCII, so latin1 is exact): no string joins, and short-lived strings stay young for the GC.
 */
class Sink {
  readonly #stream: WriteStream;
  #buf = Buffer.allocUnsafe(CHUNK);
  #used = 0;
  #full: Buffer[] = [];
  bytes = 0;

  constructor(path: string, header: string) {
    this.#stream = createWriteStream(path);
    if (header) this.add(header);
  }

  /** Adds text (a newline-terminated row). */
  add(s: string): void {
    if (this.#used + s.length > CHUNK) this.#rotate(s.length);
    this.#used += this.#buf.write(s, this.#used, 'latin1');
    this.bytes += s.length;
  }

  /** Adds lines, each followed by a newline. */
  addLines(lines: string[]): void {
    for (const l of lines) {
      if (this.#used + l.length + 1 > CHUNK) this.#rotate(l.length + 1);
      this.#used += this.#buf.write(l, this.#used, 'latin1');
      this.#buf[this.#used++] = 10;
      this.bytes += l.length + 1;
    }
  }

  /** Writes out full chunks, waiting when the stream asks to. */
  async maybeFlush(): Promise<void> {
    for (const b of this.#full.splice(0)) if (!this.#stream.write(b)) await once(this.#stream, 'drain');
  }

  async close(): Promise<void> {
    if (this.#used > 0) this.#rotate(0);
    await this.maybeFlush();
    this.#stream.end();
    await finished(this.#stream);
  }

  #rotate(need: number): void {
    this.#full.push(this.#buf.subarray(0, this.#used));
    this.#buf = Buffer.allocUnsafe(Math.max(CHUNK, need));
    this.#used = 0;
  }
}

function num(s: string | undefined, name: string): number | undefined {
  if (s === undefined) return undefined;
  const n = Number(s);
  if (s.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${name}: not a number: "${s}"`);
  return n;
}

function time(s: string): number {
  const t = Date.parse(s);
  if (!Number.isFinite(t)) throw new UsageError(`--start: cannot read "${s}" (use e.g. 2026-03-02T00:00:00Z)`);
  return t;
}

function duration(s: string, name: string): number {
  try {
    return parseDuration(s, `--${name}`);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/**
 * The share of [start, end) lying more than a day ahead of `now`: the pipeline dead-letters events
 * that far in the future (timestamp_out_of_range), so 1 means every simulated event will be refused.
 */
export function futureShare(start: number, end: number, now: number): number {
  const horizon = now + 86_400_000;
  if (end <= horizon || end <= start) return 0;
  return Math.min(1, (end - Math.max(start, horizon)) / (end - start));
}
