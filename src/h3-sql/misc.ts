import { BIGINT, DOUBLE, INTEGER, LIST, UBIGINT, VARCHAR, listValue } from '@duckdb/node-api';
import {
  UNITS,
  cellArea,
  edgeLength,
  getHexagonAreaAvg,
  getHexagonEdgeLengthAvg,
  getNumCells,
  getPentagons,
  getRes0Cells,
  greatCircleDistance,
} from 'h3-js';
import { CELL_CODECS, CELL_KINDS } from './cell-codec.ts';
import { valueCodec } from '../outputs/duckdb/value-codec.ts';
import type { CellCodec, SplitLong } from './cell-codec.ts';
import { scalar } from './h3-scalar-function.ts';
import type { H3ScalarFunction } from './h3-scalar-function.ts';

/** SQL unit names of the extension → h3-js unit names. Other names give NULL. */
const AREA_UNITS: ReadonlyMap<string, string> = new Map([
  ['km^2', UNITS.km2],
  ['m^2', UNITS.m2],
  ['rads^2', UNITS.rads2],
]);
const LENGTH_UNITS: ReadonlyMap<string, string> = new Map([
  ['km', UNITS.km],
  ['m', UNITS.m],
  ['rads', UNITS.rads],
]);
const AVERAGE_AREA_UNITS: ReadonlyMap<string, string> = new Map([
  ['km^2', UNITS.km2],
  ['m^2', UNITS.m2],
]);
const AVERAGE_LENGTH_UNITS: ReadonlyMap<string, string> = new Map([
  ['km', UNITS.km],
  ['m', UNITS.m],
]);

function overloadsFor(codec: CellCodec): H3ScalarFunction[] {
  const cell: SplitLong = [0, 0];
  return [
    scalar('h3_cell_area', [codec.type, VARCHAR], DOUBLE, (value: unknown, unit: string) => {
      const h3Unit = AREA_UNITS.get(unit);
      return h3Unit !== undefined && codec.decode(value, cell) ? cellArea(cell, h3Unit) : null;
    }),
    scalar('h3_edge_length', [codec.type, VARCHAR], DOUBLE, (value: unknown, unit: string) => {
      const h3Unit = LENGTH_UNITS.get(unit);
      return h3Unit !== undefined && codec.decode(value, cell) ? edgeLength(cell, h3Unit) : null;
    }),
  ];
}

// Bounded constants (122 base cells, 12 pentagons × 16 resolutions), computed once.
const res0Cells = getRes0Cells();
const pentagonsByRes = Array.from({ length: 16 }, (_, res) => getPentagons(res));

function pentagons(res: number): string[] | null {
  return Number.isInteger(res) && res >= 0 && res <= 15 ? pentagonsByRes[res]! : null;
}

/** Areas, lengths, cell counts, base cells, pentagons, distances: the extension's "misc" family. */
export const miscFunctions: readonly H3ScalarFunction[] = [
  ...CELL_KINDS.flatMap((kind) => overloadsFor(CELL_CODECS[kind])),
  scalar('h3_get_hexagon_area_avg', [INTEGER, VARCHAR], DOUBLE, (res: number, unit: string) => {
    const h3Unit = AVERAGE_AREA_UNITS.get(unit);
    return h3Unit === undefined ? null : getHexagonAreaAvg(res, h3Unit);
  }),
  scalar('h3_get_hexagon_edge_length_avg', [INTEGER, VARCHAR], DOUBLE, (res: number, unit: string) => {
    const h3Unit = AVERAGE_LENGTH_UNITS.get(unit);
    return h3Unit === undefined ? null : getHexagonEdgeLengthAvg(res, h3Unit);
  }),
  scalar('h3_get_num_cells', [INTEGER], BIGINT, (res: number) => BigInt(getNumCells(res))),
  scalar('h3_get_res0_cells', [], LIST(UBIGINT), () => listValue(res0Cells.map(valueCodec.h3ToUbigint))),
  scalar('h3_get_res0_cells_string', [], LIST(VARCHAR), () => listValue(res0Cells)),
  scalar('h3_get_pentagons', [INTEGER], LIST(UBIGINT), (res: number) => {
    const cells = pentagons(res);
    return cells === null ? null : listValue(cells.map(valueCodec.h3ToUbigint));
  }),
  scalar('h3_get_pentagons_string', [INTEGER], LIST(VARCHAR), (res: number) => {
    const cells = pentagons(res);
    return cells === null ? null : listValue(cells);
  }),
  scalar(
    'h3_great_circle_distance',
    [DOUBLE, DOUBLE, DOUBLE, DOUBLE, VARCHAR],
    DOUBLE,
    (lat1: number, lng1: number, lat2: number, lng2: number, unit: string) => {
      const h3Unit = LENGTH_UNITS.get(unit);
      return h3Unit === undefined ? null : greatCircleDistance([lat1, lng1], [lat2, lng2], h3Unit);
    },
  ),
];
