import type { Zone } from '../city/zone.ts';
import type { Subscriber } from '../people/subscriber.ts';
import type { TrueVisit } from './truth-sink.ts';

/**
 * Ground truth of the population products (docs/population.md), keyed by IMSI (the simulator's truth
 * folder is ground truth, never pipeline output: the accuracy command pseudonymises these IMSIs with
 * the pipeline's key to join).
 *
 * - `homes.csv`: `imsi,kind,mcc,country,home_zone,work_zone` — kind resident | day_visitor |
 *   overnight_visitor | roamer; home/work zone ids of residents (work: workers and students).
 * - `visitors.csv`: `zone,origin,visitors` — devices with a stay of ≥ 20 min in the zone (phone on)
 *   and neither home nor work there, by origin: the resident's home zone, a roamer's ISO country, or
 *   `unknown` for domestic visitors from outside the zone system.
 * - `days.csv`: `day,zone,residents,workers,visitors` — per UTC day and zone: residents with a stay of
 *   ≥ 20 min in their home zone that day; workers (work zone ≠ home zone) with one in their work zone;
 *   visitors (domestic and roamers) with one in a zone that is neither their home nor work zone. The
 *   stays are those of the day's plan, clipped to the day (a night at home counts on both days).
 */
export class PopulationTruth {
  readonly #subs = new Map<string, Subscriber>();
  readonly #zones: readonly Zone[];
  readonly #visits = new Map<string, Set<string>>();
  /** Per IMSI, the `day\u0000zone` pairs of its visits (day: ISO date, UTC). */
  readonly #days = new Map<string, Set<string>>();

  constructor(subscribers: readonly Subscriber[], zones: readonly Zone[]) {
    for (const s of subscribers) this.#subs.set(s.imsi, s);
    this.#zones = zones;
  }

  /** Records a visit (a {@link TruthSink.visit} callback). */
  visit(v: TrueVisit): void {
    let z = this.#visits.get(v.imsi);
    if (!z) this.#visits.set(v.imsi, (z = new Set()));
    z.add(v.zone);
    let d = this.#days.get(v.imsi);
    if (!d) this.#days.set(v.imsi, (d = new Set()));
    d.add(`${new Date(v.start).toISOString().slice(0, 10)}\u0000${v.zone}`);
  }

  /** `homes.csv`. */
  homesCsv(): string {
    const lines = ['imsi,kind,mcc,country,home_zone,work_zone'];
    for (const s of this.#subs.values()) {
      const v = s.visit;
      const home = v ? '' : this.#zones[s.home.zone]?.id ?? '';
      const work = v || !s.work ? '' : this.#zones[s.work.zone]?.id ?? '';
      lines.push(`${s.imsi},${v ? v.kind : 'resident'},${s.imsi.slice(0, 3)},${v?.country ?? ''},${home},${work}`);
    }
    return lines.join('\n') + '\n';
  }

  /** `visitors.csv`, sorted by zone then origin. */
  visitorsCsv(): string {
    const n = new Map<string, number>();
    for (const [imsi, zones] of this.#visits) {
      const s = this.#subs.get(imsi)!;
      const home = s.visit ? null : this.#zones[s.home.zone]?.id ?? null;
      const work = s.visit || !s.work ? null : this.#zones[s.work.zone]?.id ?? null;
      const origin = s.visit ? (s.visit.country ?? 'unknown') : (home ?? 'unknown');
      for (const z of zones) {
        if (z === home || z === work) continue;
        const k = `${z},${origin}`;
        n.set(k, (n.get(k) ?? 0) + 1);
      }
    }
    return ['zone,origin,visitors', ...[...n].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([k, c]) => `${k},${c}`)].join('\n') + '\n';
  }

  /** `days.csv`, sorted by day then zone. */
  daysCsv(): string {
    const n = new Map<string, [number, number, number]>();
    for (const [imsi, pairs] of this.#days) {
      const s = this.#subs.get(imsi)!;
      const home = s.visit ? null : this.#zones[s.home.zone]?.id ?? null;
      const work = s.visit || !s.work ? null : this.#zones[s.work.zone]?.id ?? null;
      for (const p of pairs) {
        const z = p.slice(p.indexOf('\u0000') + 1);
        let c = n.get(p);
        if (!c) n.set(p, (c = [0, 0, 0]));
        if (z === home) c[0]++;
        else if (z === work) c[1]++;
        else c[2]++;
      }
    }
    return ['day,zone,residents,workers,visitors', ...[...n].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([k, c]) => `${k.replace('\u0000', ',')},${c.join(',')}`)].join('\n') + '\n';
  }
}
