import type { City } from './city/city.ts';
import { createCity } from './city/create-city.ts';
import { Device } from './device/device.ts';
import type { DeviceWorld } from './device/device-world.ts';
import type { RecordSink } from './device/record-sink.ts';
import { ArrivalBuffer } from './output/arrival-buffer.ts';
import { formatTs } from './output/format-ts.ts';
import { type BadLineFallback, makeBadLine } from './output/make-bad-line.ts';
import type { PendingLine } from './output/pending-line.ts';
import { buildDayPlan } from './people/build-day-plan.ts';
import { createSubscribers } from './people/create-subscribers.ts';
import { createVisitors } from './people/create-visitors.ts';
import type { Place } from './people/place.ts';
import { visitorDay } from './people/visitor-day.ts';
import { dailyActivities, type Activity } from './people/daily-activities.ts';
import type { Subscriber } from './people/subscriber.ts';
import { ZonePicker } from './people/zone-picker.ts';
import { resolveSimConfig } from './resolve-sim-config.ts';
import { Rng } from './rng.ts';
import { assignAttendees } from './scenarios/assign-attendees.ts';
import type { Scenario } from './scenarios/scenario.ts';
import { resolveScenarios } from './scenarios/resolve-scenarios.ts';
import type { ResolvedSimConfig, SimConfig } from './sim-config.ts';
import type { SimStats } from './sim-stats.ts';
import type { TruthSink } from './truth/truth-sink.ts';
import { odTruthTrips } from './truth/od-truth-trips.ts';
import type { Segment } from './people/segment.ts';
import { buildRoadNetwork } from './roads/build-road-network.ts';
import type { PlantedIncident } from './roads/incident-spec.ts';
import { plantIncident } from './roads/plant-incident.ts';
import { RoadPlanner } from './roads/road-planner.ts';
import { RoadTraffic } from './roads/road-traffic.ts';
import { PositionTruth } from './truth/position-truth.ts';

const DAY = 86_400_000;
/** Event time generated per step; also the granularity of arrival-order buffering. */
const SLICE = 60_000;

/**
 * A deterministic city simulation: subscribers with daily routines in a city with a cell plan,
 * producing the NDJSON lines an operator feed would deliver (in arrival order), and the ground truth.
 * Memory stays bounded: events are generated one simulated minute at a time for all devices.
 *
 * @example
 * const sim = new Simulation({ seed: 7, subscribers: 2_000, start: Date.UTC(2026, 2, 2) });
 * const truth = new TruthCollector();
 * for (const line of sim.lines(truth)) ingest(line);
 * sim.scenarios[0].expectedPeople; // attendees planted at the stadium
 */
export class Simulation {
  readonly config: ResolvedSimConfig;
  readonly city: City;
  readonly scenarios: Scenario[];
  readonly subscribers: readonly Subscriber[];
  /** Exclusive end of the simulated period, epoch ms. */
  readonly end: number;
  /** Counts of the current (or last) run. */
  stats: SimStats;
  /** Event time generated so far in the current run, epoch ms (for progress). */
  simulatedUntil: number;
  readonly #picker: ZonePicker;
  /** The road network and its traffic (`roads` config), else null. */
  readonly roads: RoadPlanner | null;
  /** The planted road incident, once its day has been planned. */
  incident: PlantedIncident | null = null;
  /** Residents who slept away from home last night → where (only with nightsAwayRate > 0). */
  readonly #away = new Map<number, Place>();

  /** Builds the city (unless given one made with {@link createCity} from the same config) and the people. */
  constructor(config: SimConfig = {}, city?: City) {
    this.config = resolveSimConfig(config);
    this.city = city ?? createCity(this.config);
    this.end = this.config.start + this.config.days * DAY;
    const { scenarios, venues } = resolveScenarios(this.config.stayHome ? { ...this.config, scenarios: [] } : this.config, this.city);
    this.#picker = new ZonePicker(this.city.zones);
    const subs = createSubscribers(this.config, this.#picker);
    assignAttendees(scenarios, venues, subs, this.config.seed);
    if (this.config.visitors > 0) subs.push(...createVisitors(this.config, this.#picker));
    this.scenarios = scenarios;
    this.subscribers = subs;
    this.stats = emptyStats(subs.length);
    this.simulatedUntil = this.config.start;
    if (this.config.roads) {
      const perCar = this.config.vehiclesPerCar > 0 ? this.config.vehiclesPerCar : 500_000 / Math.max(1, subs.length);
      this.roads = new RoadPlanner(new RoadTraffic(buildRoadNetwork(this.city.zones, this.city.frame), perCar));
    } else this.roads = null;
  }

  /** The NDJSON lines in arrival order (each run starts afresh and yields the same lines). */
  *lines(truth: TruthSink = {}): Generator<string> {
    for (const chunk of this.chunks(truth)) yield* chunk;
  }

  /** The same lines grouped by simulated minute of arrival; cheaper to write in bulk. */
  *chunks(truth: TruthSink = {}): Generator<string[]> {
    const c = this.config, end = this.end, frame = this.city.frame;
    const stats = (this.stats = emptyStats(this.subscribers.length));
    const net = Rng.seeded(c.seed, 0x4e7);
    const badRng = Rng.seeded(c.seed, 0xbad);
    const pBad = c.badRate > 0 ? c.badRate / (1 - c.badRate) : 0;
    const open = this.city.cells.find((x) => !Number.isFinite(x.validTo) && !Number.isFinite(x.validFrom))!;
    const fallback: BadLineFallback = { cell: open.cellId, lat: open.lat, lon: open.lon };
    const buffer = new ArrivalBuffer();
    let seq = 0, lineNo = 0;
    let batch: string[] | null = null, batchFirst: PendingLine | null = null, batchLast = 0;
    const delay = () => {
      const u = net.next();
      return Math.floor(c.disorderMs * u * u * u);
    };
    const put = (p: PendingLine, rec: string) => {
      if (batch) {
        batch.push(rec);
        batchFirst ??= p;
        batchLast = p.ts;
      } else buffer.push(p);
    };
    const sink: RecordSink = {
      signalling(ts, imsi, cell, event) {
        if (ts >= end) return;
        const line = `{"ts":${formatTs(ts, net.next(), c.stringTsRate)},"imsi":"${imsi}","cell":"${cell}","event":"${event}"}`;
        stats.signalling++;
        stats.byEvent[event] = (stats.byEvent[event] ?? 0) + 1;
        put({ arrival: ts + delay(), seq: seq++, line, records: 1, ts, imsi, cell, kind: event, lat: NaN, lon: NaN }, line);
      },
      fix(ts, imsi, x, y, acc) {
        if (ts >= end) return;
        const lat = Math.round(frame.lat(y) * 1e6), lon = Math.round(frame.lon(x) * 1e6);
        const line = `{"ts":${formatTs(ts, net.next(), c.stringTsRate)},"imsi":"${imsi}","lat":${micro(lat)},"lon":${micro(lon)},"accuracy_m":${acc}}`;
        stats.fixes++;
        put({ arrival: ts + delay(), seq: seq++, line, records: 1, ts, imsi, cell: '', kind: 'fix', lat: lat / 1e6, lon: lon / 1e6 }, line);
      },
      openBatch() {
        batch = [];
        batchFirst = null;
      },
      closeBatch() {
        const recs = batch!, first = batchFirst;
        batch = null;
        if (!first) return;
        if (recs.length === 1) buffer.push(first);
        else buffer.push({ ...first, arrival: batchLast + delay(), line: `[${recs.join(',')}]`, records: recs.length });
      },
    };
    const world: DeviceWorld = {
      index: this.city.index,
      replanTimes: this.city.replanTimes,
      start: c.start,
      tauMs: c.tauMs,
      arrayRate: c.arrayRate,
      pingPongPerHour: c.pingPongPerHour,
      sink,
    };
    const devices = this.subscribers.map((s) => new Device(s, c.seed, world));
    const positions = new PositionTruth(devices, frame);
    const emit = (taken: PendingLine[]): string[] => {
      const out: string[] = [];
      for (const p of taken) {
        out.push(p.line);
        lineNo++;
        stats.records += p.records;
        if (p.records > 1) stats.arrayLines++;
        if (pBad > 0 && badRng.next() < pBad) {
          const bad = makeBadLine(p, badRng, fallback);
          out.push(bad.line);
          lineNo++;
          stats.badLines++;
          truth.badLine?.({ line: lineNo, reason: bad.reason });
        }
      }
      stats.lines = lineNo;
      return out;
    };
    this.simulatedUntil = c.start;
    this.#away.clear();
    for (let day = 0; day < c.days; day++) {
      const dayStart = c.start + day * DAY;
      this.#planDay(devices, day, dayStart, truth);
      for (let s = dayStart; s < dayStart + DAY; s += SLICE) {
        const sEnd = s + SLICE;
        for (const d of devices) while (d.next < sEnd) d.step();
        const out = emit(buffer.takeBefore(sEnd));
        this.simulatedUntil = sEnd;
        if (truth.position && (sEnd - c.start) % c.windowMs === 0) {
          positions.report(sEnd - c.windowMs, sEnd, dayStart + DAY, (p) => truth.position!(p));
        }
        if (out.length > 0) yield out;
      }
    }
    const rest = emit(buffer.takeBefore(Infinity));
    if (rest.length > 0) yield rest;
  }

  /**
   * Nights away (population truth): a resident who slept elsewhere starts the day there; with chance
   * `nightsAwayRate` the day ends at a place in another zone instead of home (a friend's, a trip).
   */
  #nightsAway(sub: Subscriber, acts: Activity[], day: number): Activity[] {
    const out = [...acts];
    const away = this.#away.get(sub.index);
    if (away) {
      out[0] = { ...out[0]!, place: away };
      this.#away.delete(sub.index);
    }
    const r = Rng.seeded(this.config.seed, 0xa3a7, sub.index, day);
    if (day < this.config.days - 1 && r.chance(this.config.nightsAwayRate)) {
      const z = this.#picker.zone('weight', r, sub.home.x, sub.home.y, 8_000);
      if (z !== sub.home.zone) {
        const place = this.#picker.point(z, r);
        out[out.length - 1] = { place, until: Infinity };
        this.#away.set(sub.index, place);
      }
    }
    return out;
  }

  /** Plans every device's day; reports its trips (and, with roads, every road edge driven). */
  #planDay(devices: Device[], day: number, dayStart: number, truth: TruthSink): void {
    const c = this.config, zones = this.city.zones;
    const dow = new Date(dayStart + DAY / 2).getUTCDay();
    const weekend = dow === 0 || dow === 6;
    const days = devices.map((d) => {
      const rng = Rng.seeded(c.seed, 0xda7, d.sub.index, day);
      const cur = d.segs[d.seg];
      const planStart = cur && cur.moving && cur.to > dayStart ? cur.to : dayStart;
      const vd = d.sub.visit ? visitorDay(d.sub, day, dayStart, rng, this.#picker) : null;
      let acts;
      if (vd) acts = vd.acts;
      else {
        const all = dailyActivities(d.sub, dayStart, weekend, rng, this.#picker);
        // stayHome: the day's first and last stops are both home, so the plan is one stay.
        acts = c.stayHome ? [all[0]!, all[all.length - 1]!] : all;
        if (c.nightsAwayRate > 0 && !c.stayHome) acts = this.#nightsAway(d.sub, acts, day);
      }
      return { rng, planStart, vd, acts };
    });
    const roads = this.roads;
    if (roads) {
      // Pass 1 at free-flow speeds gives the day's demand per edge and 5-minute bin; pass 2 drives it
      // at the speeds the speed–flow relation gives for that demand.
      roads.traffic.startDay(dayStart);
      devices.forEach((d, i) => {
        const p = days[i]!;
        const plan = buildDayPlan(d.sub, dayStart, p.planStart, d.attached, p.acts, p.rng.clone(), roads);
        for (const s of plan.segments) if (s.mode === 'car') forEachEdge(s, (e, enter) => roads.traffic.addCar(e, enter));
      });
      roads.traffic.freeze();
      if (c.incident && (c.incident.day ?? 0) === day) {
        const inc = plantIncident(roads.traffic, c.incident, dayStart);
        roads.traffic.setIncident(inc);
        this.incident = inc;
      }
    }
    devices.forEach((d, i) => {
      const { rng, planStart, vd, acts } = days[i]!;
      const plan = buildDayPlan(d.sub, dayStart, planStart, d.attached, acts, rng, roads ?? undefined);
      if (vd) {
        const segs = plan.segments, lastStay = segs[segs.length - 1]!;
        if (!vd.present) {
          plan.attachAt = dayStart + 2 * DAY;
          plan.detachAt = d.attached ? dayStart : Infinity;
        } else {
          plan.attachAt = vd.arrives ? (d.sub.visit!.kind === 'day_visitor' ? Math.max(planStart, segs[0]!.to - 5 * 60_000) : vd.attachAt) : -Infinity;
          plan.detachAt = vd.departs ? lastStay.from + 10 * 60_000 : Infinity;
        }
      }
      d.setPlan(plan, dayStart);
      if (truth.visit && (!vd || vd.present)) {
        const on = Math.max(dayStart, plan.attachAt), off = Math.min(dayStart + DAY, plan.detachAt);
        for (const s of plan.segments) {
          if (s.moving) continue;
          const a = Math.max(s.from, on), b = Math.min(s.to, off);
          if (b - a >= 20 * 60_000 && zones[s.fromZone]) truth.visit({ imsi: d.sub.imsi, zone: zones[s.fromZone]!.id, start: a, end: b });
        }
      }
      if (truth.odTrip) for (const t of odTruthTrips(d.sub.imsi, plan.segments, (z) => zones[z]?.id ?? '')) truth.odTrip(t);
      if (roads && truth.roadTraversal) {
        const edges = roads.traffic.net.edges;
        for (const s of plan.segments) {
          if (s.edges.length === 0) continue;
          forEachEdge(s, (e, enter, exit) => truth.roadTraversal!({ imsi: d.sub.imsi, edge: edges[e]!.id, enter, exit, mode: s.mode! }));
        }
      }
      if (!truth.trip) return;
      for (const s of plan.segments) {
        if (!s.moving) continue;
        truth.trip({
          imsi: d.sub.imsi,
          departTs: s.from,
          arriveTs: s.to,
          fromZone: zones[s.fromZone]?.id ?? '',
          toZone: zones[s.toZone]?.id ?? '',
          mode: s.mode!,
        });
      }
    });
  }
}

/** Calls `fn(edge, enter, exit)` for every road edge a move drives (epoch ms). */
function forEachEdge(s: Segment, fn: (edge: number, enter: number, exit: number) => void): void {
  for (let i = 0; i < s.edges.length; i++) fn(s.edges[i]!, s.from + s.times[i + 1]!, s.from + s.times[i + 2]!);
}

/** Micro-degrees as a decimal string (integer printing is far cheaper than double printing). */
function micro(m: number): string {
  const sign = m < 0 ? '-' : '';
  const a = Math.abs(m);
  const ip = Math.floor(a / 1e6);
  const f = String(a - ip * 1e6);
  return `${sign}${ip}.${'000000'.slice(f.length)}${f}`;
}

function emptyStats(devices: number): SimStats {
  return { lines: 0, records: 0, signalling: 0, fixes: 0, arrayLines: 0, badLines: 0, devices, byEvent: {} };
}
