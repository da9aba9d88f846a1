import type { TrueTrip } from './truth-sink.ts';

const H = 3_600_000;

/**
 * The true origin–destination matrix per departure hour over the simulator's zones: every trip of
 * the OD semantics ({@link TruthSink.odTrip}: between stays ≥ 15 min, > 1 km apart) counts once from its origin zone to its destination zone (zone '' = a venue outside every zone),
 * in the UTC hour of its departure. Written as `truth/od-zones.csv`.
 */
export class TruthOd {
  readonly #counts = new Map<string, number>();

  /** Counts one trip. */
  add(t: TrueTrip): void {
    const key = `${Math.floor(t.departTs / H) * H}\u0000${t.fromZone}\u0000${t.toZone}`;
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
  }

  /** Rows sorted by hour, origin, destination. */
  rows(): { hour: number; origin: string; destination: string; trips: number }[] {
    return [...this.#counts]
      .map(([k, trips]) => {
        const [h, origin, destination] = k.split('\u0000') as [string, string, string];
        return { hour: Number(h), origin, destination, trips };
      })
      .sort((a, b) => a.hour - b.hour || (a.origin < b.origin ? -1 : a.origin > b.origin ? 1 : 0) || (a.destination < b.destination ? -1 : a.destination > b.destination ? 1 : 0));
  }

  /** CSV `origin,destination,departure_hour,trips` (RFC 3339 UTC hour starts). */
  csv(): string {
    const q = (s: string) => (/[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
    return 'origin,destination,departure_hour,trips\n' +
      this.rows().map((r) => `${q(r.origin)},${q(r.destination)},${new Date(r.hour).toISOString().replace('.000Z', 'Z')},${r.trips}\n`).join('');
  }
}
