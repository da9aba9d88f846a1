import { writeFileSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Corridor } from '../engine/corridor.ts';
import { refreshTrafficTables } from '../duckdb/refresh-traffic-tables.ts';
import { corridorMapSvg } from './corridor-map-svg.ts';

/** Options of {@link writeTrafficPicture}. */
export interface TrafficPictureOptions {
  /** Where the SVG goes. */
  path: string;
  corridors?: Corridor[];
  outlines?: number[][][][];
  subtitle?: string;
}

/**
 * Rebuilds the derived traffic tables and draws the corridor picture of the most congested
 * 15-minute bin (highest mean congestion over corridors with a speed, at least 3 of them).
 * Returns a summary line, or a reason when there is nothing to draw.
 */
export async function writeTrafficPicture(conn: DuckDBConnection, o: TrafficPictureOptions): Promise<string> {
  const r = await refreshTrafficTables(conn, o.corridors);
  const byBin = new Map<number, number[]>();
  for (const b of r.bins15) if (b.congestion !== null) (byBin.get(b.binStart) ?? byBin.set(b.binStart, []).get(b.binStart)!).push(b.congestion);
  const [peak] = [...byBin].filter(([, v]) => v.length >= 3).map(([t, v]) => [t, v.reduce((a, b) => a + b, 0) / v.length] as const).sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const at = peak ? peak[0] : NaN;
  const congestion = new Map(r.bins15.filter((b) => b.binStart === at).map((b) => [b.corridor, b.congestion]));
  const when = peak ? new Date(at).toISOString().slice(0, 16).replace('T', ' ') + ' UTC' : 'no bin with speeds';
  writeFileSync(o.path, corridorMapSvg(r.corridors, congestion, {
    title: `Traffic corridors by congestion, ${when} (15 min)`,
    subtitle: o.subtitle, outlines: o.outlines,
    attribution: 'Speeds from handover timing (docs/traffic.md); congestion = 1 − speed / night-time free flow.',
  }));
  const opened = r.alerts.filter((a) => a.state === 'open');
  return `${r.corridors.length} corridors (${r.corridors[0]?.source ?? 'none'}), ${r.bins15.filter((b) => b.speedKmh !== null).length} 15-min corridor-bins with a speed; most congested ${when}` +
    (peak ? ` (mean congestion ${(peak[1] * 100).toFixed(0)} %)` : '') + `; ${opened.length} slowdown alerts` +
    (opened.length ? `, first: ${opened.sort((a, b) => a.binStart - b.binStart)[0]!.message}` : '');
}
