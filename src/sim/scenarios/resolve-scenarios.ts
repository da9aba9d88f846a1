import type { Position } from 'geojson';
import type { City } from '../city/city.ts';
import type { VenueKind, Zone } from '../city/zone.ts';
import type { ResolvedSimConfig } from '../sim-config.ts';
import type { Scenario } from './scenario.ts';
import { SCENARIO_KINDS, type ScenarioKind, type ScenarioSpec } from './scenario-spec.ts';
import type { Venue } from './venue.ts';

const MIN = 60_000;

interface KindDefaults {
  startMs: number;
  fillMs: number;
  peakMs: number;
  drainMs: number;
  share: number;
  radiusM: number;
  venue: VenueKind;
  name: RegExp;
  /** Fallback venue zone when none is marked or named. */
  pick(zones: Zone[]): number;
}

const DEFAULTS: Record<ScenarioKind, KindDefaults> = {
  stadium: {
    startMs: 18.5 * 60 * MIN, fillMs: 90 * MIN, peakMs: 120 * MIN, drainMs: 45 * MIN, share: 0.15, radiusM: 200,
    venue: 'stadium', name: /stadi/i,
    pick: (zones) => {
      const far = Math.max(...zones.map(dist));
      return argMin(zones, (z) => Math.abs(dist(z) - 0.45 * far));
    },
  },
  gathering: {
    startMs: 14 * 60 * MIN, fillMs: 210 * MIN, peakMs: 60 * MIN, drainMs: 60 * MIN, share: 0.03, radiusM: 100,
    venue: 'square', name: /duomo|piazza|square|plaza|platz/i,
    pick: (zones) => argMin(zones, dist),
  },
};

/**
 * Resolves scenario specs against a city: picks venues, fills defaults, checks that each event lies
 * inside the simulated period. Returns the truth records and, in parallel, the metric venues.
 */
export function resolveScenarios(config: ResolvedSimConfig, city: City): { scenarios: Scenario[]; venues: Venue[] } {
  const end = config.start + config.days * 86_400_000;
  const scenarios: Scenario[] = [];
  const venues: Venue[] = [];
  const counts: Record<string, number> = {};
  const ids = new Set<string>();
  for (const spec of config.scenarios as ScenarioSpec[]) {
    if (!SCENARIO_KINDS.includes(spec?.kind)) throw new RangeError(`scenario: unknown kind "${spec?.kind}" (use ${SCENARIO_KINDS.join(', ')})`);
    const d = DEFAULTS[spec.kind];
    const id = spec.id ?? `${spec.kind}-${(counts[spec.kind] = (counts[spec.kind] ?? 0) + 1)}`;
    if (ids.has(id)) throw new RangeError(`scenario: duplicate id "${id}"`);
    ids.add(id);
    const { frame, zones } = city;
    let zone = -1;
    if (spec.zoneId !== undefined) {
      zone = zones.findIndex((z) => z.id === String(spec.zoneId));
      if (zone < 0) throw new RangeError(`scenario ${id}: no zone with id "${spec.zoneId}"`);
    } else if (spec.center) {
      zone = zones.findIndex((z) => z.shape.contains(frame.x(spec.center!.lon), frame.y(spec.center!.lat)));
    } else {
      zone = zones.findIndex((z) => z.venue === d.venue);
      if (zone < 0) zone = zones.findIndex((z) => d.name.test(z.name));
      if (zone < 0) zone = d.pick(zones);
    }
    const z = zones[zone];
    let x: number, y: number;
    if (spec.center) (x = frame.x(spec.center.lon)), (y = frame.y(spec.center.lat));
    else if (z!.venue) (x = z!.shape.cx), (y = z!.shape.cy);
    else [x, y] = innermostPlace(z!);
    let radius = spec.radiusM ?? d.radiusM;
    if (!(radius > 0)) throw new RangeError(`scenario ${id}: radiusM must be > 0`);
    if (z && z.shape.contains(x, y)) radius = Math.max(20, Math.min(radius, 0.9 * z.shape.clearance(x, y)));
    const start = spec.start === undefined ? config.start + d.startMs : typeof spec.start === 'number' ? spec.start : Date.parse(spec.start);
    const fill = spec.fillMs ?? d.fillMs, peak = spec.peakMs ?? d.peakMs, drain = spec.drainMs ?? d.drainMs;
    if (!Number.isFinite(start) || start < config.start || start + fill + peak + drain > end) {
      throw new RangeError(`scenario ${id}: must start and end inside the simulated period`);
    }
    if (!(fill >= 0 && peak >= 0 && drain >= 0)) throw new RangeError(`scenario ${id}: durations must be >= 0`);
    const share = spec.share ?? d.share;
    if (!(share >= 0 && share <= 1)) throw new RangeError(`scenario ${id}: share must be in [0, 1]`);
    const center = { lat: round6(frame.lat(y)), lon: round6(frame.lon(x)) };
    const ring: Position[] = [];
    for (let i = 0; i <= 32; i++) {
      const a = (2 * Math.PI * (i % 32)) / 32;
      ring.push([round6(frame.lon(x + radius * Math.cos(a))), round6(frame.lat(y + radius * Math.sin(a)))]);
    }
    scenarios.push({
      id,
      kind: spec.kind,
      zoneId: z?.id ?? null,
      zoneName: z?.name ?? null,
      center,
      radiusM: Math.round(radius),
      polygon: { type: 'Polygon', coordinates: [ring] },
      start: Math.round(start),
      peakStart: Math.round(start + fill),
      peakEnd: Math.round(start + fill + peak),
      end: Math.round(start + fill + peak + drain),
      expectedPeople: Math.round(share * config.subscribers),
    });
    venues.push({ x, y, radius, zone });
  }
  return { scenarios, venues };
}

/** The zone's place farthest from its boundary. */
function innermostPlace(z: Zone): [number, number] {
  let best = -1, bx = z.shape.cx, by = z.shape.cy;
  for (let i = 0; i < z.places.length; i += 2) {
    const c = z.shape.clearance(z.places[i]!, z.places[i + 1]!);
    if (c > best) (best = c), (bx = z.places[i]!), (by = z.places[i + 1]!);
  }
  return [bx, by];
}

function dist(z: Zone): number {
  return Math.hypot(z.shape.cx, z.shape.cy);
}

function argMin(zones: Zone[], f: (z: Zone) => number): number {
  let best = 0;
  for (let i = 1; i < zones.length; i++) if (f(zones[i]!) < f(zones[best]!)) best = i;
  return best;
}

function round6(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}
