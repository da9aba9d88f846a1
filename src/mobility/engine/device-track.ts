import { latLngToCell } from 'h3-js';
import { Interner } from '../../core/intern.ts';
import { distanceM } from './distance-m.ts';
import type { ResolvedMobilityConfig } from './mobility-config.ts';
import type { Stay, StayEndReason } from './stay.ts';
import type { StayPlacer } from '../../locate/stay-placer.ts';
import type { TrackPoint } from './track-point.ts';
import type { Trip } from './trip.ts';

/**
 * Time-weighted centre of one kind of point (cell events or GPS fixes): each point weighs the time
 * until the next point of its kind, capped by the bridged gap; the last one's weight is still open.
 */
export interface Centre {
  n: number;
  lastTs: number;
  lastLat: number;
  lastLng: number;
  wSum: number;
  latSum: number;
  lngSum: number;
  /** Place key ({@link TrackPoint.h3}) of the last point. */
  lastKey: string | undefined;
  /** Closed weight (ms) per place key: the time each point held until the next of its kind. */
  dwell: Record<string, number> | undefined;
}

/**
 * The settings the trajectory functions run with: the resolved config and, optionally, a
 * {@link StayPlacer} that places a cell-seen stay from its dwell per sector (instead of the
 * time-weighted centre of the sector centres).
 */
export type TrackSettings = ResolvedMobilityConfig & { placer?: StayPlacer };

/**
 * A place a device may be staying at: the points seen inside its roam radius. Cell events sit at
 * the serving site, up to a cell range away from the phone, while fixes sit at the phone: each kind
 * keeps its own centre and a point is compared with the centre of its kind (of the other kind, with
 * {@link ResolvedMobilityConfig.crossRadiusM}, when its own has none yet).
 */
export interface Candidate {
  start: number;
  lastTs: number;
  lastH3: string;
  cell: Centre;
  gps: Centre;
  events: number;
  oscillations: number;
  /** The place, frozen when the candidate became a stay (dwell ≥ minimum). */
  place: { h3: string; lat: number; lng: number } | null;
}

/** The last stay that ended, kept to link the next one to it by a trip. */
export interface PreviousStay {
  h3: string;
  lat: number;
  lng: number;
  lastTs: number;
  /** First event after the stay (the departure), null until seen. */
  departTs: number | null;
  /** The place was fixed by GPS (precise) rather than by cell sites. */
  hasGps: boolean;
}

/** Plain-data (JSON) state of one device's trajectory. */
export interface DeviceTrackState {
  device: string;
  cand: Candidate | null;
  /** Events outside the candidate that may still turn out to be oscillation. */
  exc: TrackPoint[];
  prev: PreviousStay | null;
  /** Latest event time seen (events older than this are ignored as out of order). */
  lastSeen: number;
  /** Events ignored because they came out of order. */
  outOfOrder: number;
}

/** What a step produced. */
export interface TrackOutput {
  stays: Stay[];
  trips: Trip[];
}

/** A fresh state for a device. */
export function newDeviceTrack(device: string): DeviceTrackState {
  return { device, cand: null, exc: [], prev: null, lastSeen: Number.MIN_SAFE_INTEGER, outOfOrder: 0 };
}

/**
 * Feeds one event, in event-time order, to a device's trajectory: ping-pong filtering, stay
 * detection and trip linking in one incremental pass (rules: docs/mobility.md). Ended stays and
 * new trips are appended to `out`. An event older than the latest one seen is ignored (counted).
 */
export function pushPoint(s: DeviceTrackState, p: TrackPoint, cfg: TrackSettings, out: TrackOutput): void {
  if (p.ts < s.lastSeen) {
    s.outOfOrder++;
    return;
  }
  advanceTrack(s, p.ts, cfg, out);
  s.lastSeen = p.ts;
  place(s, p, cfg, out);
}

function place(s: DeviceTrackState, p: TrackPoint, cfg: TrackSettings, out: TrackOutput): void {
  if (s.prev && s.prev.departTs === null) s.prev.departTs = p.ts;
  const c = s.cand;
  if (!c) {
    s.cand = startCandidate(p);
    if (p.detach) endCandidate(s, p.ts, 'detach', null, cfg, out);
    return;
  }
  if (isInside(c, p, cfg)) {
    if (s.exc.length > 0) {
      // Came back before the excursion could be real: oscillation, absorbed into the stay, and into
      // its time-weighted centre (a brief ping-pong weighs its seconds; a stay that began on the
      // neighbour drifts to where the device spends its time).
      c.events += s.exc.length;
      c.oscillations += s.exc.length;
      for (const q of s.exc) addPoint(c, q, cfg);
      s.exc = [];
    }
    addPoint(c, p, cfg);
    c.lastTs = p.ts;
    c.lastH3 = p.h3;
    c.events++;
    // The place settles over placeSettleMs (more events, fixes that come every 5–20 min) before it
    // is fixed; a stay that ends sooner is confirmed at its end (endCandidate) when long enough.
    if (!c.place && p.ts - c.start >= Math.max(minDwell(c, cfg), cfg.placeSettleMs)) confirm(s, c, p.ts, cfg, out);
    if (p.detach) endCandidate(s, p.ts, 'detach', null, cfg, out);
    return;
  }
  s.exc.push(p);
  if (p.detach || excursionDeadline(s, cfg) < p.ts) depart(s, cfg, out);
}

/**
 * Lets event time pass to `now` (nothing seen before it): an excursion that can no longer be
 * oscillation becomes a departure; a stay silent for longer than the bridged gap ends as `silence`.
 * Idempotent, so calling it at every window end or only at the next event gives the same result.
 */
export function advanceTrack(s: DeviceTrackState, now: number, cfg: TrackSettings, out: TrackOutput): void {
  if (s.exc.length > 0 && now > excursionDeadline(s, cfg)) depart(s, cfg, out);
  const c = s.cand;
  if (c && s.exc.length === 0 && now - c.lastTs > cfg.maxGapMs) endCandidate(s, c.lastTs, 'silence', null, cfg, out);
}

/** End of a finite input: a pending excursion counts as a departure; the open candidate ends `open`. */
export function finishTrack(s: DeviceTrackState, cfg: TrackSettings, out: TrackOutput): void {
  if (s.exc.length > 0) depart(s, cfg, out);
  if (s.cand) endCandidate(s, s.cand.lastTs, 'open', null, cfg, out);
}

/** True when the state holds nothing a later event or trip could still need. */
export function isIdle(s: DeviceTrackState, now: number, cfg: TrackSettings): boolean {
  return !s.cand && s.exc.length === 0 && (!s.prev || (s.prev.departTs !== null && now - s.prev.departTs > cfg.maxTripMs));
}

/**
 * Until when the pending excursion may still be oscillation (a return at or before it absorbs it),
 * or -Infinity when it cannot be any more. Rule A (Wu et al. 2014): it stays among ≤ oscMaxCells cells
 * (the stay's own included) within oscMaxDistanceM of the centre and returns within oscWindowMs.
 * Rule B: a single point reached at an impossible speed (after speedSlackM of location slack) that
 * is left as impossibly fast, within oscWindowMs.
 */
function excursionDeadline(s: DeviceTrackState, cfg: TrackSettings): number {
  const c = s.cand!, exc = s.exc, first = exc[0]!, last = exc[exc.length - 1]!;
  const [lat, lng] = placeAt(c, first.ts, cfg);
  let deadline = -Infinity;
  const cells = new Set<string>();
  let far = 0;
  for (const q of exc) {
    cells.add(q.h3);
    far = Math.max(far, distanceM(lat, lng, q.lat, q.lng));
  }
  cells.delete(c.lastH3);
  if (cells.size + 1 <= cfg.oscMaxCells && far <= cfg.oscMaxDistanceM && last.ts - first.ts <= cfg.oscWindowMs) {
    deadline = first.ts + cfg.oscWindowMs;
  }
  if (exc.length === 1) {
    const d = far - cfg.speedSlackM;
    const v = cfg.maxSpeedKmh / 3600; // m per ms
    if (d > 0 && first.ts - c.lastTs < d / v) deadline = Math.max(deadline, first.ts + Math.min(d / v, cfg.oscWindowMs));
  }
  return deadline;
}

/** The excursion was real: the candidate ends at its first event, which is re-placed with the rest. */
function depart(s: DeviceTrackState, cfg: TrackSettings, out: TrackOutput): void {
  const exc = s.exc, c = s.cand!;
  s.exc = [];
  const departTs = exc[0]!.ts;
  if (departTs - c.lastTs <= cfg.maxGapMs) endCandidate(s, departTs, 'departure', departTs, cfg, out);
  else endCandidate(s, c.lastTs, 'silence', departTs, cfg, out);
  for (const q of exc) place(s, q, cfg, out);
}

function endCandidate(
  s: DeviceTrackState, end: number, reason: StayEndReason, departTs: number | null, cfg: TrackSettings, out: TrackOutput,
): void {
  const c = s.cand!;
  s.cand = null;
  if (!c.place && end - c.start >= minDwell(c, cfg)) confirm(s, c, end, cfg, out);
  if (!c.place) return;
  if (cfg.placer) {
    // The whole stay places it better than its first minutes (more ping-pong seen, more fixes): the
    // stay row and the next trip's origin use it; the trip into the stay keeps its confirmed place.
    const [lat, lng] = stayPlace(c, end, cfg);
    c.place = { h3: placeCell(lat, lng, cfg), lat, lng };
  }
  out.stays.push({
    device: s.device,
    start: c.start,
    end,
    lastTs: c.lastTs,
    h3: c.place.h3,
    lat: c.place.lat,
    lng: c.place.lng,
    events: c.events,
    oscillations: c.oscillations,
    source: c.gps.n === 0 ? 'cell' : c.cell.n === 0 ? 'gps' : 'mixed',
    endReason: reason,
  });
  s.prev = { h3: c.place.h3, lat: c.place.lat, lng: c.place.lng, lastTs: c.lastTs, departTs, hasGps: c.gps.n > 0 };
}

/**
 * Stay places: one shared string per cell. Each device keeps its current and previous place for
 * hours, and h3-js builds a new string per call, so without sharing a million devices held ~2
 * million copies of a few thousand cells.
 */
const PLACES = new Interner();

function placeCell(lat: number, lng: number, cfg: TrackSettings): string {
  return PLACES.get(latLngToCell(lat, lng, cfg.stayRes));
}

/** The candidate dwelled long enough: freeze its place and link a trip from the previous stay. */
function confirm(s: DeviceTrackState, c: Candidate, at: number, cfg: TrackSettings, out: TrackOutput): void {
  const [lat, lng] = stayPlace(c, at, cfg);
  const h3 = placeCell(lat, lng, cfg);
  c.place = { h3, lat, lng };
  const prev = s.prev;
  if (!prev || prev.departTs === null || c.start - prev.departTs > cfg.maxTripMs) return;
  const d = distanceM(prev.lat, prev.lng, lat, lng);
  const r = prev.hasGps && c.gps.n > 0 ? cfg.gpsRadiusM + cfg.gridSlackM : cfg.cellRadiusM;
  if (prev.h3 === h3 || d <= r) return;
  out.trips.push({
    device: s.device,
    origin: prev.h3,
    destination: h3,
    departTs: prev.departTs,
    arriveTs: c.start,
    departUncertaintyMs: prev.departTs - prev.lastTs,
    distanceM: Math.round(d),
    originLat: prev.lat,
    originLng: prev.lng,
    destinationLat: lat,
    destinationLng: lng,
  });
}

function startCandidate(p: TrackPoint): Candidate {
  const c: Candidate = { start: p.ts, lastTs: p.ts, lastH3: p.h3, cell: emptyCentre(), gps: emptyCentre(), events: 1, oscillations: 0, place: null };
  const k = p.gps ? c.gps : c.cell;
  k.n = 1;
  k.lastTs = p.ts;
  k.lastLat = p.lat;
  k.lastLng = p.lng;
  k.lastKey = p.h3;
  return c;
}

/**
 * Every field is set here, `lastKey` and `dwell` too, so all of them sit inside the object: a field
 * added later would give each centre (two per device held) its own out-of-object property array.
 */
function emptyCentre(): Centre {
  return { n: 0, lastTs: 0, lastLat: 0, lastLng: 0, wSum: 0, latSum: 0, lngSum: 0, lastKey: undefined, dwell: undefined };
}

/**
 * Adds a point to the centre of its kind. Dwell per place key is kept for the cell centre only: it is
 * what {@link stayPlace} reads (a GPS fix's key is its own res-11 cell, new at nearly every fix, and
 * the GPS place is the time-weighted centre).
 */
function addPoint(c: Candidate, p: TrackPoint, cfg: TrackSettings): void {
  if (p.gps) addToCentre(c.gps, p, cfg, false);
  else addToCentre(c.cell, p, cfg, true);
}

function addToCentre(k: Centre, p: TrackPoint, cfg: TrackSettings, keepDwell: boolean): void {
  if (k.n > 0) {
    const w = Math.min(p.ts - k.lastTs, cfg.maxGapMs);
    k.wSum += w;
    k.latSum += w * k.lastLat;
    k.lngSum += w * k.lastLng;
    if (keepDwell && k.lastKey !== undefined) {
      k.dwell ??= {};
      k.dwell[k.lastKey] = (k.dwell[k.lastKey] ?? 0) + w;
    }
  }
  k.n++;
  k.lastTs = p.ts;
  k.lastLat = p.lat;
  k.lastLng = p.lng;
  k.lastKey = p.h3;
}

/** Dwell per place key as of `t` (the last point's open weight included, capped as in {@link centreOf}). */
function dwellOf(k: Centre, t: number, cfg: TrackSettings): Record<string, number> {
  const d = { ...k.dwell };
  if (k.lastKey !== undefined) d[k.lastKey] = (d[k.lastKey] ?? 0) + Math.max(0, Math.min(t - k.lastTs, cfg.maxGapMs));
  return d;
}

/**
 * Where the stay is as of `t`, as recorded: a cell-only stay through the {@link TrackSettings.placer}
 * when there is one and it places it, else {@link placeAt}.
 */
function stayPlace(c: Candidate, t: number, cfg: TrackSettings): [number, number] {
  if (cfg.placer && c.gps.n === 0) {
    const at = cfg.placer(dwellOf(c.cell, t, cfg));
    if (at) return [at[0], at[1]];
  }
  return placeAt(c, t, cfg);
}

/** Time-weighted centre of one kind as of `t`. */
function centreOf(k: Centre, t: number, cfg: TrackSettings): [number, number] {
  const w = Math.max(0, Math.min(t - k.lastTs, cfg.maxGapMs));
  const total = k.wSum + w;
  if (total === 0) return [k.lastLat, k.lastLng];
  return [(k.latSum + w * k.lastLat) / total, (k.lngSum + w * k.lastLng) / total];
}

/** The stay's place as of `t`: the GPS centre when there are fixes (precise), else the cell centre. */
function placeAt(c: Candidate, t: number, cfg: TrackSettings): [number, number] {
  return centreOf(c.gps.n > 0 ? c.gps : c.cell, t, cfg);
}

/**
 * Within the roam radius. A fix: within gpsRadiusM of the GPS centre (plus gridSlackM, because the
 * pipeline snaps fixes to their base H3 cell), or within crossRadiusM of the cell centre while the
 * stay has no fix yet (the phone may be a cell range away from the sites that served it: a stay's
 * first fix 1.0–1.2 km from its cell centre made a phantom trip when this was cellRadiusM). A cell
 * event: within cellRadiusM of the cell centre, or within crossRadiusM of the GPS centre (the
 * serving site may be a cell range away from the phone).
 */
function isInside(c: Candidate, p: TrackPoint, cfg: TrackSettings): boolean {
  const near = (k: Centre, r: number) => {
    if (k.n === 0) return false;
    const [lat, lng] = centreOf(k, p.ts, cfg);
    return distanceM(lat, lng, p.lat, p.lng) <= r;
  };
  if (p.gps) return c.gps.n > 0 ? near(c.gps, cfg.gpsRadiusM + cfg.gridSlackM) : near(c.cell, cfg.crossRadiusM);
  return near(c.cell, cfg.cellRadiusM) || near(c.gps, cfg.crossRadiusM);
}

function minDwell(c: Candidate, cfg: TrackSettings): number {
  return c.cell.n > 0 ? cfg.cellMinDwellMs : cfg.gpsMinDwellMs;
}
