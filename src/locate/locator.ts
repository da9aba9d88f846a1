import { latLngToCell } from 'h3-js';
import { AT_RES, FIX_KIND, type LocatedEvent } from '../../schemas/events.ts';
import { reject, type Rejection } from '../ingest/errors.ts';
import type { ValidRecord } from '../ingest/validate.ts';
import type { CellTable } from './cell-table.ts';

/**
 * Places a validated record on the H3 grid at the cell table's resolution: signalling events through
 * the version of their cell valid at `ts`, location fixes directly from lat/lon.
 * `device` is the pseudonym already computed by the caller.
 */
export function locateRecord(rec: ValidRecord, device: string, cells: CellTable): LocatedEvent | Rejection {
  if (rec.kind === 'signalling') {
    const p = cells.place(rec.cell, rec.ts);
    if (p === 'unknown') return reject('unknown_cell', 'cell is not in the cell table');
    if (p === 'not_valid') return reject('unknown_cell', 'cell has no version valid at the event time');
    return p.sector === undefined ? { ts: rec.ts, device, h3: p.h3, kind: rec.event } : { ts: rec.ts, device, h3: p.h3, kind: rec.event, at: p.sector };
  }
  return { ts: rec.ts, device, h3: latLngToCell(rec.lat, rec.lon, cells.resolution), kind: FIX_KIND, at: latLngToCell(rec.lat, rec.lon, AT_RES) };
}
