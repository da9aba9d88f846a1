import type { WatchedArea } from '../../../src/alerts/engine/watched-area.ts';

/** A hand-built watched area (one res-9 cell in Milan, 0.1 km² unless told). */
export function area(id: string, capacity: number, extra: Partial<WatchedArea> = {}): WatchedArea {
  return { id, name: extra.name ?? id, capacity, cells: ['891f8d7a49bffff'], resolution: 9, areaKm2: 0.1, centroidFallback: false, ...extra };
}

export const M = 60_000;
export const W = 15 * M;
/** Monday 2 March 2026, 17:00 UTC: the first window of hand-built series. */
export const T0 = Date.UTC(2026, 2, 2, 17, 0);

/** Windows of `W` from `start`, with devices per area. */
export function windows(series: Record<string, readonly number[]>, start = T0): { start: number; end: number; present: Record<string, number> }[] {
  const n = Math.max(...Object.values(series).map((s) => s.length));
  return Array.from({ length: n }, (_, i) => ({
    start: start + i * W,
    end: start + (i + 1) * W,
    present: Object.fromEntries(Object.entries(series).map(([id, s]) => [id, s[i] ?? 0])),
  }));
}
