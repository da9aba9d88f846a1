import { UserInputError } from '../core/citypulse-error.ts';
import { latLngToCell } from 'h3-js';
import { AT_RES, type CellVersion } from '../../schemas/events.ts';
import type { StayPlacer } from './stay-placer.ts';
import { footprintModel, type FootprintOf } from './footprint-model.ts';
import { pingPongPlacer } from './ping-pong-placer.ts';
import { sectorCentres } from './sector-centres.ts';
import { parseCsv } from './csv.ts';

/** Raised for a cell table that cannot be used, naming the line and column. */
export class CellTableError extends UserInputError {
  override name = 'CellTableError';
}

const REQUIRED = ['cell_id', 'lat', 'lon'] as const;

/**
 * The operator's cell table: cell id → versions (site position valid over a time range), each version
 * with its H3 cell at the base resolution computed once at load.
 */
export class CellTable {
  readonly #versions = new Map<string, CellPlace[]>();
  readonly resolution: number;
  readonly #all: CellVersion[];
  readonly #sectors: (string | undefined)[];
  #placer: StayPlacer | undefined;
  #footprints: FootprintOf | undefined;

  private constructor(versions: CellVersion[], resolution: number) {
    this.resolution = resolution;
    const sectors = sectorCentres(versions);
    this.#all = versions;
    this.#sectors = sectors;
    for (const [i, v] of versions.entries()) {
      const list = this.#versions.get(v.cellId) ?? [];
      list.push({ v, h3: latLngToCell(v.lat, v.lon, resolution), sector: sectors[i] });
      this.#versions.set(v.cellId, list);
    }
    for (const [id, list] of this.#versions) {
      list.sort((a, b) => a.v.validFrom - b.v.validFrom);
      for (let i = 1; i < list.length; i++) {
        if (list[i]!.v.validFrom < list[i - 1]!.v.validTo) {
          throw new CellTableError(`cell ${id}: versions overlap (one valid from ${fmt(list[i]!.v.validFrom)} while the previous runs to ${fmt(list[i - 1]!.v.validTo)})`);
        }
      }
    }
  }

  /** Builds a table from parsed versions. */
  static fromVersions(versions: CellVersion[], resolution = 9): CellTable {
    return new CellTable(versions, resolution);
  }

  /** Parses cell-table CSV text (see schemas/cell-table.md). */
  static fromCsv(text: string, resolution = 9): CellTable {
    return new CellTable(parseCellCsv(text), resolution);
  }

  /**
   * Places cell-seen stays from their dwell per sector, triangulating with ping-pong to a neighbour
   * site ({@link pingPongPlacer}); built on first call.
   */
  stayPlacer(): StayPlacer {
    return (this.#placer ??= pingPongPlacer(this.#all, this.#sectors));
  }

  /**
   * The area a place placed from cell events stands for (the part of its serving sector facing its
   * ping-pong neighbour, or the whole sector): {@link footprintModel}; built on first call.
   */
  footprints(): FootprintOf {
    return (this.#footprints ??= footprintModel(this.#all, this.#sectors));
  }

  /** Number of distinct cells. */
  get size(): number {
    return this.#versions.size;
  }

  /** Every version, for export and inspection. */
  *versions(): Iterable<CellVersion & { h3: string }> {
    for (const list of this.#versions.values()) for (const { v, h3 } of list) yield { ...v, h3 };
  }

  /**
   * Every version of `cellId` (sorted by validity, not overlapping) with its H3 cell, or undefined for
   * an unknown cell: for a columnar stage that looks a cell up once per batch and then only compares
   * times per row (as {@link locate} does).
   */
  versionsOf(cellId: string): readonly CellPlace[] | undefined {
    return this.#versions.get(cellId);
  }

  /**
   * The H3 cell (base resolution) of `cellId`'s version valid at `ts`, or a reason it has none:
   * `unknown` (no such cell) or `not_valid` (the cell exists but no version covers `ts`).
   */
  locate(cellId: string, ts: number): string | 'unknown' | 'not_valid' {
    const p = this.place(cellId, ts);
    return typeof p === 'string' ? p : p.h3;
  }

  /**
   * The version of `cellId` valid at `ts` with its H3 cell and sector centre ({@link CellPlace}), or a
   * reason it has none (as {@link locate}). The returned object belongs to the table: do not modify it.
   */
  place(cellId: string, ts: number): CellPlace | 'unknown' | 'not_valid' {
    const list = this.#versions.get(cellId);
    if (!list) return 'unknown';
    for (let i = 0; i < list.length; i++) {
      const e = list[i]!;
      if (ts >= e.v.validFrom && ts < e.v.validTo) return e;
    }
    return 'not_valid';
  }
}

/** A cell version as placed at load. */
export interface CellPlace {
  readonly v: CellVersion;
  /** H3 cell of the site at the table's resolution. */
  readonly h3: string;
  /** H3 cell (res {@link AT_RES}) of the sector's served-area centre ({@link sectorCentres}), when the version has an azimuth and a range > 0. */
  readonly sector: string | undefined;
}


function fmt(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : 'open';
}

function parseTime(text: string, open: number, where: string): number {
  const t = text.trim();
  if (t === '') return open;
  if (/^-?\d+$/.test(t)) return Number(t);
  const ms = Date.parse(t);
  if (Number.isNaN(ms)) throw new CellTableError(`${where}: cannot read time "${t}" (epoch ms or RFC 3339)`);
  return ms;
}

function parseNum(text: string | undefined, where: string, min: number, max: number, optional: boolean): number | undefined {
  const t = (text ?? '').trim();
  if (t === '') {
    if (optional) return undefined;
    throw new CellTableError(`${where} is empty`);
  }
  const n = Number(t);
  if (!Number.isFinite(n) || n < min || n > max) throw new CellTableError(`${where}: "${t}" is not a number in [${min}, ${max}]`);
  return n;
}

/** Parses cell-table CSV into versions, with errors naming the line and column. */
export function parseCellCsv(text: string): CellVersion[] {
  const rows = parseCsv(text.replace(/^\uFEFF/, ''));
  if (rows.length === 0) throw new CellTableError('cell table is empty (a header row is required)');
  const header = rows[0]!.map((h) => h.trim().toLowerCase());
  for (const col of REQUIRED) {
    if (!header.includes(col)) throw new CellTableError(`cell table header lacks required column "${col}" (has: ${header.join(', ')})`);
  }
  const idx = (name: string) => header.indexOf(name);
  const [iId, iLat, iLon, iSite, iAz, iRange, iFrom, iTo] = ['cell_id', 'lat', 'lon', 'site_id', 'azimuth_deg', 'range_m', 'valid_from', 'valid_to'].map(idx) as number[];
  const out: CellVersion[] = [];
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r]!;
    const line = r + 1;
    const cell = (i: number) => (i >= 0 ? row[i] : undefined);
    const cellId = (cell(iId!) ?? '').trim();
    if (!cellId) throw new CellTableError(`cell table line ${line}: cell_id is empty`);
    const v: CellVersion = {
      cellId,
      lat: parseNum(cell(iLat!), `cell table line ${line}, lat`, -90, 90, false)!,
      lon: parseNum(cell(iLon!), `cell table line ${line}, lon`, -180, 180, false)!,
      validFrom: parseTime(cell(iFrom!) ?? '', -Infinity, `cell table line ${line}, valid_from`),
      validTo: parseTime(cell(iTo!) ?? '', Infinity, `cell table line ${line}, valid_to`),
    };
    const site = cell(iSite!)?.trim();
    if (site) v.siteId = site;
    const az = parseNum(cell(iAz!), `cell table line ${line}, azimuth_deg`, 0, 360, true);
    if (az !== undefined) v.azimuthDeg = az;
    const range = parseNum(cell(iRange!), `cell table line ${line}, range_m`, 0, 1e6, true);
    if (range !== undefined) v.rangeM = range;
    if (v.validFrom >= v.validTo) throw new CellTableError(`cell table line ${line}: valid_from is not before valid_to`);
    out.push(v);
  }
  return out;
}
