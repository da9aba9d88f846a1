import { Rng } from '../rng.ts';
import type { ResolvedSimConfig } from '../sim-config.ts';
import type { Subscriber } from './subscriber.ts';
import type { VisitorKind } from './visit.ts';
import type { ZonePicker } from './zone-picker.ts';

/** Countries of inbound roamers with their MCC (ITU-T E.212) and relative weight. */
export const ROAMER_COUNTRIES: readonly (readonly [country: string, mcc: string, weight: number])[] = [
  ['FR', '208', 5], ['DE', '262', 5], ['GB', '234', 3], ['CN', '460', 4], ['US', '310', 3], ['ES', '214', 2], ['CH', '228', 2], ['NL', '204', 1],
];

/**
 * Creates `config.visitors` visitor devices after the residents (indices `subscribers…`): a share
 * `roamerShare` are inbound roamers (foreign MCC, 2–6 nights in a hotel), the rest half domestic day
 * visitors (phone on only while in the city, ~09:30 to the evening; home outside the zone system) and
 * half domestic overnight visitors (1–3 nights). `home` is the hotel, or the point where a day
 * visitor enters the city. Each visit starts on a uniformly drawn day and is cut at the last day.
 */
export function createVisitors(config: ResolvedSimConfig, picker: ZonePicker): Subscriber[] {
  const out: Subscriber[] = [];
  // Same bijection as the residents' IMSIs (create-subscribers.ts), continued past their indices: unique.
  const offset = Rng.seeded(config.seed, 0x1351).int(1e10);
  const total = ROAMER_COUNTRIES.reduce((s, c) => s + c[2], 0);
  for (let i = 0; i < config.visitors; i++) {
    const index = config.subscribers + i;
    const rng = Rng.seeded(config.seed, 0x7151, index);
    const r = rng.next();
    const kind: VisitorKind = r < config.roamerShare ? 'roamer' : r < config.roamerShare + (1 - config.roamerShare) / 2 ? 'day_visitor' : 'overnight_visitor';
    const home = picker.point(picker.zone(kind === 'day_visitor' ? 'weight' : 'leisure', rng), rng);
    let country: string | null = null, mcc = '222', mnc = '01';
    if (kind === 'roamer') {
      let x = rng.next() * total;
      const c = ROAMER_COUNTRIES.find((e) => (x -= e[2]) < 0) ?? ROAMER_COUNTRIES[0]!;
      country = c[0];
      mcc = c[1];
      mnc = '02';
    }
    const nights = kind === 'day_visitor' ? 0 : kind === 'roamer' ? 2 + rng.int(5) : 1 + rng.int(3);
    const arriveDay = rng.int(config.days);
    out.push({
      index,
      imsi: mcc + mnc + String((index * 387_420_489 + offset) % 1e10).padStart(10, '0'),
      persona: 'stayer',
      home,
      work: null,
      hasCar: rng.chance(kind === 'day_visitor' ? 0.5 : 0.1),
      activity: Math.exp(rng.normal(0, 0.5)),
      nightOff: true,
      fixes: rng.chance(config.fixRate),
      appointment: null,
      visit: { kind, arriveDay, nights: Math.min(nights, config.days - 1 - arriveDay), country },
    });
  }
  return out;
}
