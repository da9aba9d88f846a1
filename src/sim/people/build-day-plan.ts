import type { RoadPlanner } from '../roads/road-planner.ts';
import type { Rng } from '../rng.ts';
import type { Activity } from './daily-activities.ts';
import { planMove } from './plan-move.ts';
import { Segment } from './segment.ts';
import type { Subscriber } from './subscriber.ts';

const MIN = 60_000;
const H = 3_600_000;

/** A device's day: its timeline and when its phone goes on and off. */
export interface DayPlan {
  /** Stays and moves from the plan start, ending with an open-ended stay at home. */
  segments: Segment[];
  /** When the phone comes on (-Infinity when it is on at the start of the day). */
  attachAt: number;
  /** When the phone goes off for the night (Infinity when it stays on). */
  detachAt: number;
}

/**
 * Turns a day's activities into a timeline starting at `planStart` (at home). An appointment of the
 * day (a planted scenario) replaces what would overlap it: the person leaves whatever they are doing
 * in time to arrive, stays, and goes home. An activity that cannot be reached at least 10 minutes
 * before it ends is skipped. Night-off devices come on before leaving home and go off ~23:25.
 * With `roads`, car and transit trips follow the road network (src/sim/roads).
 */
export function buildDayPlan(
  sub: Subscriber,
  dayStart: number,
  planStart: number,
  attached: boolean,
  activities: Activity[],
  rng: Rng,
  roads?: RoadPlanner,
): DayPlan {
  let acts = activities;
  const ap = sub.appointment;
  if (ap && ap.arrive >= dayStart && ap.arrive < dayStart + 24 * H) {
    const keep = [acts[0]!];
    for (let i = 1; i < acts.length - 1 && acts[i - 1]!.until < ap.arrive - 45 * MIN; i++) keep.push(acts[i]!);
    acts = [...keep, { place: ap.place, until: ap.leave, arriveBy: ap.arrive }, acts[acts.length - 1]!];
  }
  const segments: Segment[] = [];
  let cur = acts[0]!, arrived = planStart;
  for (let j = 1; j < acts.length; j++) {
    const next = acts[j]!;
    if (next.place.x === cur.place.x && next.place.y === cur.place.y) {
      cur = { ...cur, until: next.until };
      continue;
    }
    const hint = next.arriveBy !== undefined ? next.arriveBy - 30 * MIN : Math.max(arrived + 2 * MIN, cur.until);
    const route = planMove(cur.place, next.place, sub.hasCar, rng, roads ? { planner: roads, depart: hint } : undefined);
    const duration = route.durationMs;
    const depart = Math.round(
      next.arriveBy !== undefined ? Math.max(arrived + 2 * MIN, next.arriveBy - duration) : Math.max(arrived + 2 * MIN, cur.until),
    );
    const arrive = depart + duration;
    if (j < acts.length - 1 && next.arriveBy === undefined && arrive + 10 * MIN > next.until) continue;
    segments.push(Segment.stay(arrived, depart, cur.place));
    segments.push(
      route.times
        ? Segment.roadMove(depart, route.xs, route.ys, route.times, route.edges!, cur.place.zone, next.place.zone, route.mode)
        : Segment.move(depart, arrive, route.xs, route.ys, cur.place.zone, next.place.zone, route.mode),
    );
    cur = next;
    arrived = arrive;
  }
  segments.push(Segment.stay(arrived, Infinity, cur.place));

  let attachAt = -Infinity, detachAt = Infinity;
  if (sub.nightOff) {
    if (!attached) {
      const firstMove = segments.length > 1 ? segments[0]!.to : dayStart + rng.normal(9, 1) * H;
      attachAt = Math.round(Math.max(planStart, Math.min(firstMove - 5 * MIN, dayStart + rng.normal(6.75, 0.5) * H)));
    }
    const off = Math.round(dayStart + rng.normal(23.4, 0.3) * H);
    if (off >= arrived + 10 * MIN && off < dayStart + 24 * H - MIN && off > attachAt) detachAt = off;
  }
  return { segments, attachAt, detachAt };
}
