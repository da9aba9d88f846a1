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
  /** Per IMSI, the zones of its visits, each with the UTC days (ISO dates) it was visited on. */
  readonly #visits = new Map<string, Map<string, Set<string>>>();

  constructor(subscribers: readonly Subscriber[], zones: readonly Zone[]) {
    for (const s of subscribers) this.#subs.set(s.imsi, s);
    this.#zones = zones;
  }

  /** Records a visit (a {@link TruthSink.visit} callback). */
  visit(v: TrueVisit): void {
    let zones = this.#visits.get(v.imsi);
    if (!zones) this.#visits.set(v.imsi, (zones = new Map()));
    let days = zones.get(v.zone);
    if (!days) zones.set(v.zone, (days = new Set()));
    days.add(new Date(v.start).toISOString().slice(0, 10));
  }

  /** A subscriber's true home and work zone ids (null: a visitor, no work, or outside the zones). */
  #homeWork(s: Subscriber): { home: string | null; work: string | null } {
    return {
      home: s.visit ? null : this.#zones[s.home.zone]?.id ?? null,
      work: s.visit || !s.work ? null : this.#zones[s.work.zone]?.id ?? null,
    };
  }

  /** `homes.csv`. */
  homesCsv(): string {
    const lines = ['imsi,kind,mcc,country,home_zone,work_zone'];
    for (const s of this.#subs.values()) {
      const v = s.visit, { home, work } = this.#homeWork(s);
      lines.push(`${s.imsi},${v ? v.kind : 'resident'},${s.imsi.slice(0, 3)},${v?.country ?? ''},${home ?? ''},${work ?? ''}`);
    }
    return lines.join('\n') + '\n';
  }

  /** `visitors.csv`, sorted by zone then origin. */
  visitorsCsv(): string {
    const n = new Map<string, number>();
    for (const [imsi, zones] of this.#visits) {
      const s = this.#subs.get(imsi)!, { home, work } = this.#homeWork(s);
      const origin = s.visit ? (s.visit.country ?? 'unknown') : (home ?? 'unknown');
      for (const z of zones.keys()) {
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
    for (const [imsi, zones] of this.#visits) {
      const { home, work } = this.#homeWork(this.#subs.get(imsi)!);
      for (const [z, days] of zones) {
        for (const day of days) {
          const k = `${day},${z}`;
          let c = n.get(k);
          if (!c) n.set(k, (c = [0, 0, 0]));
          c[z === home ? 0 : z === work ? 1 : 2]++;
        }
      }
    }
    return ['day,zone,residents,workers,visitors', ...[...n].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([k, c]) => `${k},${c.join(',')}`)].join('\n') + '\n';
  }
}
