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
 */
export class PopulationTruth {
  readonly #subs = new Map<string, Subscriber>();
  readonly #zones: readonly Zone[];
  readonly #visits = new Map<string, Set<string>>();

  constructor(subscribers: readonly Subscriber[], zones: readonly Zone[]) {
    for (const s of subscribers) this.#subs.set(s.imsi, s);
    this.#zones = zones;
  }

  /** Records a visit (a {@link TruthSink.visit} callback). */
  visit(v: TrueVisit): void {
    let z = this.#visits.get(v.imsi);
    if (!z) this.#visits.set(v.imsi, (z = new Set()));
    z.add(v.zone);
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
}
