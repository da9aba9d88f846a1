import { latLngToCell } from 'h3-js';
import { AT_RES, FIX_KIND, type LocatedEvent } from '../../schemas/events.ts';
import type { ArrowColumnarBatch } from '../ingest/decode/arrow-columnar-batch.ts';
import { MAX_FUTURE_MS, MIN_EVENT_TIME_MS } from '../ingest/timestamp.ts';
import type { Pseudonymiser } from '../privacy/pseudonymiser.ts';
import type { CellPlace, CellTable } from './cell-table.ts';
import { mccOf } from './record-locator.ts';

/** What {@link ColumnarLocator.ownership} says of a row. */
export const OWNED = 1;
/** The row's subscriber belongs to another partition (a stray). */
export const STRAY = 0;

type Versions = ReturnType<CellTable['versionsOf']>;

/**
 * validate → pseudonymise → locate for the rows of one {@link ArrowColumnarBatch}, column-wise: each
 * distinct subscriber is pseudonymised (and asked for ownership) once per batch, each distinct cell
 * looked up once per batch; per row only numbers are compared. {@link locate} answers a row that is
 * plainly valid and locatable with its event; any other row (a dead letter to be, or an unusual
 * type) gets null and must take the per-record path (`RecordLocator`), which decides its fate —
 * so both paths agree by construction on everything but the fast rows, whose checks mirror
 * `validateRecord`, `parseEventTime` and `locateRecord`.
 */
export class ColumnarLocator {
  readonly #b: ArrowColumnarBatch;
  readonly #cells: CellTable;
  readonly #pseudo: Pseudonymiser;
  /** Per imsi code: pseudonym (no rotation), MCC (null: none), ownership (-1: not asked yet). */
  readonly #device: (string | undefined)[];
  readonly #mcc: (string | null | undefined)[];
  readonly #owned: Int8Array;
  /** Per cell code: its versions (null: unknown cell or not a usable string; undefined: not looked up yet). */
  readonly #versions: (Versions | null | undefined)[];

  constructor(batch: ArrowColumnarBatch, cells: CellTable, pseudonymiser: Pseudonymiser) {
    this.#b = batch;
    this.#cells = cells;
    this.#pseudo = pseudonymiser;
    // Dense arrays sized once (filled, not holey), so per-row reads stay fast element loads.
    const subscribers = batch.imsi?.values.length ?? 0;
    this.#owned = new Int8Array(subscribers).fill(-1);
    this.#device = new Array<string | undefined>(subscribers).fill(undefined);
    this.#mcc = new Array<string | null | undefined>(subscribers).fill(undefined);
    this.#versions = new Array<Versions | null | undefined>(batch.cell?.values.length ?? 0).fill(undefined);
  }

  /**
   * {@link OWNED} or {@link STRAY} for row `i` under `owns` (asked once per subscriber), with the
   * per-record path's rule: a row without a usable imsi counts as owned (validation judges it).
   */
  ownership(i: number, owns: (imsi: string) => boolean): number {
    const col = this.#b.imsi;
    if (!col) return OWNED;
    const c = col.codes[i]!;
    if (c < 0) return OWNED;
    let o = this.#owned[c]!;
    if (o < 0) {
      const imsi = col.values[c];
      o = this.#owned[c] = typeof imsi !== 'string' || imsi.length === 0 || owns(imsi) ? OWNED : STRAY;
    }
    return o;
  }

  /** The located event of row `i`, or null when the row must take the per-record path. */
  locate(i: number, wallNow: number): LocatedEvent | null {
    const b = this.#b;
    const tsCol = b.ts, imsiCol = b.imsi, cellCol = b.cell;
    if (!tsCol || !imsiCol || !cellCol) return null;
    if (tsCol.valid && !tsCol.valid(i)) return null;
    const ts = tsCol.values[i]!;
    if (!Number.isInteger(ts) || ts < MIN_EVENT_TIME_MS || ts > wallNow + MAX_FUTURE_MS) return null;
    const ic = imsiCol.codes[i]!;
    if (ic < 0) return null;
    const imsi = imsiCol.values[ic];
    if (typeof imsi !== 'string' || imsi.length === 0) return null;

    let h3: string;
    let kind: string;
    // The sector centre (signalling) or the fix itself, at AT_RES, as locateRecord places it.
    let at: string | undefined;
    const cc = cellCol.codes[i]!;
    if (cc >= 0) {
      // signalling: a non-empty cell and event, a version of the cell valid at ts
      const ec = b.event ? b.event.codes[i]! : -1;
      if (ec < 0) return null;
      const event = b.event!.values[ec];
      if (typeof event !== 'string' || event.length === 0) return null;
      let versions = this.#versions[cc];
      if (versions === undefined) {
        const cell = cellCol.values[cc];
        versions = this.#versions[cc] = typeof cell === 'string' && cell.length > 0 ? (this.#cells.versionsOf(cell) ?? null) : null;
      }
      if (versions === null) return null;
      let found: CellPlace | null = null;
      for (let k = 0; k < versions.length; k++) {
        const e = versions[k]!;
        if (ts >= e.v.validFrom && ts < e.v.validTo) {
          found = e;
          break;
        }
      }
      if (found === null) return null;
      h3 = found.h3;
      at = found.sector;
      kind = event;
    } else {
      // location: lat and lon finite and in range, accuracy absent or a non-negative number
      const lat = b.lat, lon = b.lon, acc = b.accuracy;
      if (!lat || !lon || !acc) return null;
      if ((lat.valid && !lat.valid(i)) || (lon.valid && !lon.valid(i))) return null;
      const y = lat.values[i]!, x = lon.values[i]!;
      if (!Number.isFinite(y) || !Number.isFinite(x) || y < -90 || y > 90 || x < -180 || x > 180) return null;
      if ((!acc.valid || acc.valid(i)) && !(acc.values[i]! >= 0)) return null;
      h3 = latLngToCell(y, x, this.#cells.resolution);
      at = latLngToCell(y, x, AT_RES);
      kind = FIX_KIND;
    }

    let device: string;
    if (this.#pseudo.rotates) device = this.#pseudo.pseudonym(imsi, ts);
    else device = this.#device[ic] ??= this.#pseudo.pseudonym(imsi, ts);
    let mcc = this.#mcc[ic];
    if (mcc === undefined) mcc = this.#mcc[ic] = mccOf(imsi);
    const ev: LocatedEvent = at === undefined ? { ts, device, h3, kind } : { ts, device, h3, kind, at };
    if (mcc !== null) ev.mcc = mcc;
    return ev;
  }
}
