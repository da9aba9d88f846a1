import { Rng } from '../rng.ts';
import type { ResolvedSimConfig } from '../sim-config.ts';
import type { Persona, Subscriber } from './subscriber.ts';
import type { ZonePicker } from './zone-picker.ts';

/** Odd and not a multiple of 5, so `index × A mod 10¹⁰` is a bijection; small enough to stay exact. */
const IMSI_MULTIPLIER = 387_420_489;

/**
 * Creates the subscribers: home zone by resident weight; workers (55 %) work anywhere with a 8 km
 * distance decay, students (15 %) study within a few km, stayers (30 %) have no fixed second place.
 * 5 % switch their phone off at night; `fixRate` of them emit GPS fixes.
 */
export function createSubscribers(config: ResolvedSimConfig, picker: ZonePicker): Subscriber[] {
  const offset = Rng.seeded(config.seed, 0x1351).int(1e10);
  const subs: Subscriber[] = [];
  for (let index = 0; index < config.subscribers; index++) {
    const rng = Rng.seeded(config.seed, 0x5ab, index);
    const homeZone = picker.zone('weight', rng);
    const home = picker.point(homeZone, rng);
    const r = rng.next();
    const persona: Persona = r < 0.55 ? 'worker' : r < 0.7 ? 'student' : 'stayer';
    const work =
      persona === 'worker' ? picker.point(picker.zone('jobs', rng, home.x, home.y, 8_000), rng)
      : persona === 'student' ? picker.place(picker.zone('weight', rng, home.x, home.y, 1_500), rng, home.x, home.y)
      : null;
    const imsi = '22201' + String((index * IMSI_MULTIPLIER + offset) % 1e10).padStart(10, '0');
    subs.push({
      index,
      imsi,
      persona,
      home,
      work,
      hasCar: rng.chance(persona === 'worker' ? 0.55 : 0.3),
      activity: Math.exp(rng.normal(0, 0.5)),
      nightOff: rng.chance(0.05),
      fixes: rng.chance(config.fixRate),
      appointment: null,
    });
  }
  return subs;
}
