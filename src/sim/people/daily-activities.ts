import type { Rng } from '../rng.ts';
import type { Place } from './place.ts';
import type { Subscriber } from './subscriber.ts';
import type { ZonePicker } from './zone-picker.ts';

const H = 3_600_000;
const LATEST = 23.25 * H;

/** One stop of a day: stay at `place` until `until` (epoch ms), or arrive by `arriveBy`. */
export interface Activity {
  place: Place;
  until: number;
  /** Leave the previous place in time to arrive here at this time (appointments). */
  arriveBy?: number;
}

/**
 * The stops of one ordinary day, starting and ending at home:
 * - workers: leave ~7:45 (σ 35 min), 30 % lunch out nearby, back ~17:45 (σ 50 min), 10 % part time;
 *   evening leisure for half of them (straight from work, or from home ~20:00);
 * - students: leave ~7:30, out of school 12:30–17:00, 40 % afternoon activity near home;
 * - stayers: morning errand (60 %), afternoon outing (40 %), evening out (12 %);
 * - on weekends everyone: midday outing (60 %) and evening out (35 %).
 * Ends with an open-ended stay at home (`until` Infinity).
 */
export function dailyActivities(sub: Subscriber, dayStart: number, weekend: boolean, rng: Rng, picker: ZonePicker): Activity[] {
  const acts: Activity[] = [];
  const home = sub.home;
  const at = (place: Place, untilH: number) => {
    const prev = acts.length ? acts[acts.length - 1]!.until - dayStart : 0;
    acts.push({ place, until: dayStart + Math.min(LATEST, Math.max(prev + 0.25 * H, untilH * H)) });
  };
  const leisure = (from: Place, decayM: number) => picker.place(picker.zone('leisure', rng, from.x, from.y, decayM), rng);
  const outing = (untilH: number, decayM: number, hours: [number, number]) => {
    at(home, untilH);
    at(leisure(home, decayM), untilH + rng.range(...hours));
  };
  if (weekend || !sub.work) {
    if (weekend) {
      if (rng.chance(0.6)) outing(rng.normal(11, 1), 6_000, [1.5, 4]);
      if (rng.chance(0.35)) outing(rng.normal(20, 0.7), 6_000, [1.5, 3]);
    } else {
      if (rng.chance(0.6)) outing(rng.normal(10, 1), 1_500, [0.5, 1.5]);
      if (rng.chance(0.4)) outing(rng.normal(16, 1), 3_000, [1, 2]);
      if (rng.chance(0.12)) outing(rng.normal(20, 0.5), 5_000, [1.5, 2.5]);
    }
  } else if (sub.persona === 'student') {
    at(home, rng.clampedNormal(7.5, 0.25, 6.5, 9));
    const out = rng.clampedNormal(14, 1, 12.5, 17);
    at(sub.work, out);
    if (rng.chance(0.4)) at(leisure(home, 2_000), out + rng.range(1.5, 3.5));
  } else {
    const work = sub.work;
    const leave = rng.clampedNormal(7.75, 0.6, 5.5, 10.5);
    at(home, leave);
    const partTime = rng.chance(0.1);
    const end = partTime ? rng.normal(13.5, 0.5) : rng.clampedNormal(17.75, 0.8, leave + 6, 21);
    if (!partTime && rng.chance(0.3)) {
      const lunch = rng.normal(12.5, 0.3);
      at(work, lunch);
      at(picker.place(work.zone, rng, work.x, work.y), lunch + rng.range(0.75, 1.1));
    }
    at(work, end);
    const r = rng.next();
    if (r < 0.3) at(leisure(work, 5_000), end + rng.range(1, 2.5));
    else if (r < 0.5) outing(Math.max(end + 1, rng.normal(20, 0.5)), 5_000, [1, 2.5]);
  }
  acts.push({ place: home, until: Infinity });
  return acts;
}
