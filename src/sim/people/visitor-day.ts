import type { Rng } from '../rng.ts';
import type { Activity } from './daily-activities.ts';
import type { Subscriber } from './subscriber.ts';
import type { ZonePicker } from './zone-picker.ts';

const H = 3_600_000;

/** A visitor's day: its stops, and which end of the visit (if any) falls on it. */
export interface VisitorDay {
  /** False on days outside the visit: the phone stays off the network all day. */
  present: boolean;
  acts: Activity[];
  /** Day of arrival: the phone comes on (day visitors: just before leaving the entry point). */
  arrives: boolean;
  /** Day of departure: the phone goes off after the last stop (back at the hotel / entry point). */
  departs: boolean;
  /** Arrival time of an overnight visitor or roamer (at the hotel), epoch ms. */
  attachAt: number;
}

/**
 * The stops of a visitor's day `day` (see {@link createVisitors}): day visitors leave the entry point
 * ~09:30 for one or two leisure places and return; overnight visitors and roamers arrive at their hotel
 * between 10:00 and 14:00, go out once or twice a day (sightseeing, evening), and leave on the last day
 * after a morning outing.
 */
export function visitorDay(sub: Subscriber, day: number, dayStart: number, rng: Rng, picker: ZonePicker): VisitorDay {
  const v = sub.visit!;
  const home = sub.home;
  const absent: VisitorDay = { present: false, acts: [{ place: home, until: dayStart + 12 * H }, { place: home, until: Infinity }], arrives: false, departs: false, attachAt: Infinity };
  if (day < v.arriveDay || day > v.arriveDay + v.nights) return absent;
  const acts: Activity[] = [];
  let t = dayStart;
  const at = (place: Activity['place'], hours: number) => {
    t = Math.min(dayStart + 23 * H, t + hours * H);
    acts.push({ place, until: t });
  };
  const leisure = (decayM: number) => picker.place(picker.zone('leisure', rng, home.x, home.y, decayM), rng);
  const arrives = day === v.arriveDay, departs = day === v.arriveDay + v.nights;
  let attachAt = -Infinity;
  if (v.kind === 'day_visitor') {
    at(home, rng.clampedNormal(9.5, 0.8, 7.5, 12));
    at(leisure(6_000), rng.range(1.5, 3));
    if (rng.chance(0.6)) at(leisure(4_000), rng.range(1, 2.5));
  } else if (arrives) {
    attachAt = dayStart + Math.round(rng.range(10, 14) * H);
    t = attachAt;
    at(home, rng.range(0.5, 1.5));
    at(leisure(5_000), rng.range(2, 3.5));
    if (!departs && rng.chance(0.5)) {
      at(home, 1.5);
      at(leisure(4_000), rng.range(1.5, 2.5));
    }
  } else {
    at(home, rng.clampedNormal(10, 0.8, 8, 12.5));
    at(leisure(6_000), rng.range(1.5, 3.5));
    if (!departs) {
      at(home, rng.range(1, 2.5));
      if (rng.chance(0.6)) at(leisure(5_000), rng.range(1.5, 2.5));
    }
  }
  acts.push({ place: home, until: Infinity });
  return { present: true, acts, arrives, departs, attachAt };
}
