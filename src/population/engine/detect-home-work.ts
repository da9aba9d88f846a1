import { distanceM } from '../../mobility/engine/distance-m.ts';
import type { HomeWork } from './home-work.ts';
import type { PlaceStay } from './place-stay.ts';
import type { ResolvedPopulationConfig } from './population-config.ts';
import { quarterPieces, ZonedClock } from './zoned-clock.ts';

interface PlaceTally {
  lat: number;
  lng: number;
  /** Duration-weighted sums of the stays' centres. */
  w: number;
  wLat: number;
  wLng: number;
  /** Overlap with each night (keyed by the local day the night starts on), ms. */
  nights: Map<number, number>;
  /** Overlap with each weekday's daytime (keyed by local day), ms. */
  days: Map<number, number>;
  /** Every stay here was seen through cell events only. */
  cellOnly: boolean;
}

/**
 * Home and work of every device from its stays (any order, any mix of devices).
 *
 * - A night `N` is local `[N nightStartHour, N+1 nightEndHour)` in `cfg.timeZone`; a stay counts
 *   night `N` at its place when it overlaps that night by ≥ `minNightOverlapMs`.
 * - Home = the place with the most distinct nights (ties: most night time, then smallest cell id),
 *   only when it has ≥ max(`minHomeNights`, ⌈`minHomeNightShare` × `periodNights`⌉) nights (a device
 *   seen briefly has no home).
 * - Work = among places ≥ `minWorkDistanceM` from home, the one with the most distinct weekdays
 *   (Mon–Fri) on which a stay overlaps local `[dayStartHour, dayEndHour)` by ≥ `minDayOverlapMs`
 *   (ties as above), only with ≥ `minWorkDays` days.
 */
export function detectHomeWork(stays: readonly PlaceStay[], cfg: ResolvedPopulationConfig, clock = new ZonedClock(cfg.timeZone), periodNights = 0): HomeWork[] {
  const minNights = Math.max(cfg.minHomeNights, Math.ceil(cfg.minHomeNightShare * periodNights));
  const byDevice = new Map<string, Map<string, PlaceTally>>();
  for (const s of stays) {
    let places = byDevice.get(s.device);
    if (!places) byDevice.set(s.device, (places = new Map()));
    let t = places.get(s.h3);
    if (!t) places.set(s.h3, (t = { lat: s.lat, lng: s.lng, w: 0, wLat: 0, wLng: 0, nights: new Map(), days: new Map(), cellOnly: true }));
    if (s.cellOnly !== true) t.cellOnly = false;
    const w = Math.max(1, s.end - s.start);
    t.w += w;
    t.wLat += w * s.lat;
    t.wLng += w * s.lng;
    for (const [a, b] of quarterPieces(s.start, s.end)) {
      const { day, hour, weekday } = clock.local(a);
      const ms = b - a;
      if (hour >= cfg.nightStartHour) t.nights.set(day, (t.nights.get(day) ?? 0) + ms);
      else if (hour < cfg.nightEndHour) t.nights.set(day - 1, (t.nights.get(day - 1) ?? 0) + ms);
      if (weekday >= 1 && weekday <= 5 && hour >= cfg.dayStartHour && hour < cfg.dayEndHour) t.days.set(day, (t.days.get(day) ?? 0) + ms);
    }
  }
  const out: HomeWork[] = [];
  for (const [device, places] of [...byDevice].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const nightsSeen = new Set<number>();
    for (const t of places.values()) for (const [n, ms] of t.nights) if (ms >= cfg.minNightOverlapMs) nightsSeen.add(n);
    const home = best(places, (t) => t.nights, cfg.minNightOverlapMs, minNights, () => true);
    const homeT = home ? places.get(home.h3)! : null;
    const work = best(places, (t) => t.days, cfg.minDayOverlapMs, cfg.minWorkDays, (h3, t) =>
      !homeT || (h3 !== home!.h3 && distanceM(homeT.lat, homeT.lng, t.lat, t.lng) >= cfg.minWorkDistanceM));
    const centre = (h3: string | undefined): [number, number] | null => {
      const t = h3 === undefined ? undefined : places.get(h3);
      return t ? [t.wLat / t.w, t.wLng / t.w] : null;
    };
    out.push({
      device, home: home?.h3 ?? null, homeAt: centre(home?.h3), homeNights: home?.count ?? 0,
      work: work?.h3 ?? null, workAt: centre(work?.h3), workDays: work?.count ?? 0, nightsSeen: nightsSeen.size,
      homeCellOnly: homeT?.cellOnly ?? false, workCellOnly: work ? places.get(work.h3)!.cellOnly : false,
    });
  }
  return out;
}

function best(
  places: Map<string, PlaceTally>,
  periods: (t: PlaceTally) => Map<number, number>,
  minOverlap: number,
  minCount: number,
  eligible: (h3: string, t: PlaceTally) => boolean,
): { h3: string; count: number } | null {
  let win: { h3: string; count: number; ms: number } | null = null;
  for (const [h3, t] of places) {
    if (!eligible(h3, t)) continue;
    let count = 0, ms = 0;
    for (const v of periods(t).values()) if (v >= minOverlap) { count++; ms += v; }
    if (count < minCount) continue;
    if (!win || count > win.count || (count === win.count && (ms > win.ms || (ms === win.ms && h3 < win.h3)))) win = { h3, count, ms };
  }
  return win && { h3: win.h3, count: win.count };
}
