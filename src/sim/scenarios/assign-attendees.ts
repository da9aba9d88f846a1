import type { Subscriber } from '../people/subscriber.ts';
import { Rng } from '../rng.ts';
import type { Scenario } from './scenario.ts';
import type { Venue } from './venue.ts';

/**
 * Picks each scenario's attendees (exactly `expectedPeople`, nobody in two scenarios) and gives them
 * an appointment: arrival uniform over [start, peakStart], departure uniform over [peakEnd, end], a
 * spot uniform over the venue disc. Lowers `expectedPeople` if subscribers run out.
 */
export function assignAttendees(scenarios: Scenario[], venues: Venue[], subs: Subscriber[], seed: number): void {
  const rng = Rng.seeded(seed, 0xa77e);
  const free = Int32Array.from(subs, (_, i) => i);
  let nFree = free.length;
  scenarios.forEach((sc, s) => {
    const v = venues[s]!;
    const want = Math.min(sc.expectedPeople, nFree);
    for (let k = 0; k < want; k++) {
      const j = rng.int(nFree);
      const i = free[j]!;
      free[j] = free[--nFree]!;
      const r = v.radius * Math.sqrt(rng.next()), a = rng.range(0, 2 * Math.PI);
      subs[i]!.appointment = {
        scenario: s,
        arrive: Math.round(rng.range(sc.start, sc.peakStart)),
        leave: Math.round(rng.range(sc.peakEnd, sc.end)),
        place: { x: v.x + r * Math.cos(a), y: v.y + r * Math.sin(a), zone: v.zone },
      };
    }
    sc.expectedPeople = want;
  });
}
