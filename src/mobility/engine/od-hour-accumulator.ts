import type { OdHourRow } from './od-hour-row.ts';
import type { Trip } from './trip.ts';

const H = 3_600_000;

/**
 * Counts trips per (departure hour, origin, destination) and publishes an hour once no trip departing
 * in it can still appear: when event time has passed the hour's end by `boundMs`
 * (see {@link odPublicationBoundMs}). Plain-data state for checkpoints.
 */
export class OdHourAccumulator {
  /** hour → "origin destination" → trips. */
  #hours = new Map<number, Map<string, number>>();
  readonly #boundMs: number;

  constructor(boundMs: number) {
    this.#boundMs = boundMs;
  }

  /** Counts one trip in its departure hour. */
  add(t: Trip): void {
    const hour = Math.floor(t.departTs / H) * H;
    let m = this.#hours.get(hour);
    if (!m) this.#hours.set(hour, (m = new Map()));
    const key = `${t.origin} ${t.destination}`;
    m.set(key, (m.get(key) ?? 0) + 1);
  }

  /** Rows of every hour final at event time `now` (all hours when `now` is Infinity), removed from the state. */
  publish(now: number): OdHourRow[] {
    const rows: OdHourRow[] = [];
    for (const hour of [...this.#hours.keys()].sort((a, b) => a - b)) {
      if (hour + H + this.#boundMs > now) continue;
      const m = this.#hours.get(hour)!;
      for (const [key, trips] of [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        const [origin, destination] = key.split(' ') as [string, string];
        rows.push({ hour, origin, destination, trips });
      }
      this.#hours.delete(hour);
    }
    return rows;
  }

  /** JSON state. */
  snapshot(): [number, [string, number][]][] {
    return [...this.#hours].map(([h, m]) => [h, [...m]]);
  }

  /** Replaces the state with a {@link snapshot}. */
  restore(state: [number, [string, number][]][]): void {
    this.#hours = new Map(state.map(([h, m]) => [h, new Map(m)]));
  }
}
