import type { DuckDBConnection } from '@duckdb/node-api';
import { cellToParent, compactCells, getResolution } from 'h3-js';
import type { WatchedArea } from '../../alerts/engine/watched-area.ts';
import { CitypulseError } from '../../core/citypulse-error.ts';
import { valueCodec } from '../../outputs/duckdb/value-codec.ts';
import { ensureRelease } from '../../privacy/duckdb/ensure-release.ts';
import { toSlotSeries, type SlotSeries } from '../forecast/slot-series.ts';

/** Options of {@link readAreaOccupancy}. */
export interface AreaOccupancyOptions {
  /** Release threshold (≥ the release's k). */
  k: number;
  /** Windows starting in [from, to), epoch ms. [all] */
  from?: number;
  to?: number;
}

/**
 * A watched area's occupancy per window as a {@link SlotSeries}, **from the differencing-safe release
 * only** (docs/privacy.md): the value of a window is the sum of the released elements (each ≥ k
 * devices) that lie wholly inside the area — an element's anchor hexagon is covered by the area's
 * cells — so every input value, and every forecast made from it, is derived from released counts.
 * A window without such an element is a gap (null): its count is withheld, not 0. The slot length is
 * the database's window length (5 minutes with `ingest --window 5m`).
 *
 * @throws CitypulseError (usage) when the database has no presence windows.
 */
export async function readAreaOccupancy(conn: DuckDBConnection, area: WatchedArea, options: AreaOccupancyOptions): Promise<SlotSeries> {
  await ensureRelease(conn, { k: options.k, from: options.from, to: options.to });
  const range: [string, unknown[]] = options.from === undefined && options.to === undefined
    ? ['', []]
    : ['WHERE window_start >= $1 AND window_start < $2', [valueCodec.timestampTZ(options.from ?? -8.64e15), valueCodec.timestampTZ(options.to ?? 8.64e15)]];
  const windows = (await conn.runAndReadAll(
    `SELECT DISTINCT epoch_ms(window_start)::DOUBLE, epoch_ms(window_end)::DOUBLE FROM presence ${range[0]} ORDER BY 1`,
    range[1] as never,
  )).getRowsJS() as [number, number][];
  if (windows.length === 0) throw new CitypulseError('no presence windows in the database (for the span asked)', { kind: 'usage', parameter: 'db' });
  const stepMs = windows[0]![1] - windows[0]![0];
  const covered = new Set(compactCells([...area.cells]));
  const coverRes = [...new Set([...covered].map(getResolution))];
  const inside = new Map<bigint, boolean>();
  const contains = (anchor: bigint, res: number): boolean => {
    let hit = inside.get(anchor);
    if (hit === undefined) {
      const hex = valueCodec.ubigintToH3(anchor);
      hit = coverRes.some((r) => r <= res && covered.has(r === res ? hex : cellToParent(hex, r)));
      inside.set(anchor, hit);
    }
    return hit;
  };
  const sums = new Map<number, number>();
  const elements = (await conn.runAndReadAll(
    `SELECT epoch_ms(window_start)::DOUBLE, anchor, anchor_res, present FROM release_elements
     ${range[0] ? range[0] + ' AND' : 'WHERE'} present >= ${Math.trunc(options.k)}`,
    range[1] as never,
  )).getRowsJS() as [number, bigint, number, bigint][];
  for (const [ws, anchor, res, present] of elements) {
    if (contains(anchor, res)) sums.set(ws, (sums.get(ws) ?? 0) + Number(present));
  }
  return toSlotSeries(area.id, windows.map(([ws]) => ({ ts: ws, value: sums.get(ws) ?? null })), { stepMs });
}
