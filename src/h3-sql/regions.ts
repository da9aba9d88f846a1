import { INTEGER, LIST, UBIGINT, VARCHAR, listValue } from '@duckdb/node-api';
import type { DuckDBListValue } from '@duckdb/node-api';
import { POLYGON_TO_CELLS_FLAGS, cellsToMultiPolygon, isValidCell, polygonToCells, polygonToCellsExperimental } from 'h3-js';
import { CELL_CODECS, CELL_KINDS } from './cell-codec.ts';
import { valueCodec } from '../outputs/duckdb/value-codec.ts';
import type { CellCodec } from './cell-codec.ts';
import { decodeCellList } from './cell-lists.ts';
import { formatMultiPolygonWkt } from './format-wkt.ts';
import { scalar } from './h3-scalar-function.ts';
import type { H3ScalarFunction } from './h3-scalar-function.ts';
import { parsePolygonWkt } from './parse-polygon-wkt.ts';

/** Containment modes of `h3_polygon_wkt_to_cells_experimental`, by SQL name. */
const CONTAINMENT_FLAGS: ReadonlyMap<string, string> = new Map([
  ['CONTAINMENT_CENTER', POLYGON_TO_CELLS_FLAGS.containmentCenter],
  ['CONTAINMENT_FULL', POLYGON_TO_CELLS_FLAGS.containmentFull],
  ['CONTAINMENT_OVERLAPPING', POLYGON_TO_CELLS_FLAGS.containmentOverlapping],
  ['CONTAINMENT_OVERLAPPING_BBOX', POLYGON_TO_CELLS_FLAGS.containmentOverlappingBbox],
  ['center', POLYGON_TO_CELLS_FLAGS.containmentCenter],
  ['full', POLYGON_TO_CELLS_FLAGS.containmentFull],
  ['overlap', POLYGON_TO_CELLS_FLAGS.containmentOverlapping],
  ['overlap_bbox', POLYGON_TO_CELLS_FLAGS.containmentOverlappingBbox],
]);

/**
 * Cells of a WKT polygon. WKT syntax errors fail the statement; anything H3
 * rejects (resolution, unknown containment mode, degenerate polygon) gives
 * an empty list, as in the extension.
 */
function polygonWktToCells(wkt: string, res: number, flag?: string): string[] {
  const loops = parsePolygonWkt(wkt);
  if (loops === null) {
    return [];
  }
  try {
    if (flag === undefined) {
      return polygonToCells(loops, res, true);
    }
    const h3Flag = CONTAINMENT_FLAGS.get(flag);
    return h3Flag === undefined ? [] : polygonToCellsExperimental(loops, res, h3Flag, true);
  } catch {
    return [];
  }
}

function cellsToMultiPolygonWkt(codec: CellCodec): H3ScalarFunction {
  return scalar('h3_cells_to_multi_polygon_wkt', [LIST(codec.type)], VARCHAR, (list: DuckDBListValue) => {
    const cells = decodeCellList(codec, list);
    if (cells === null || !cells.every((cell) => isValidCell(cell))) {
      return null;
    }
    return formatMultiPolygonWkt(cellsToMultiPolygon(cells, true));
  });
}

const toUBigIntList = (cells: readonly string[]): DuckDBListValue => listValue(cells.map(valueCodec.h3ToUbigint));

/** Polygon ↔ cells with WKT text: the extension's "regions" family. */
export const regionsFunctions: readonly H3ScalarFunction[] = [
  ...CELL_KINDS.map((kind) => cellsToMultiPolygonWkt(CELL_CODECS[kind])),
  scalar('h3_polygon_wkt_to_cells', [VARCHAR, INTEGER], LIST(UBIGINT), (wkt: string, res: number) =>
    toUBigIntList(polygonWktToCells(wkt, res)),
  ),
  scalar('h3_polygon_wkt_to_cells_string', [VARCHAR, INTEGER], LIST(VARCHAR), (wkt: string, res: number) =>
    listValue(polygonWktToCells(wkt, res)),
  ),
  scalar(
    'h3_polygon_wkt_to_cells_experimental',
    [VARCHAR, INTEGER, VARCHAR],
    LIST(UBIGINT),
    (wkt: string, res: number, flag: string) => toUBigIntList(polygonWktToCells(wkt, res, flag)),
  ),
  scalar(
    'h3_polygon_wkt_to_cells_experimental_string',
    [VARCHAR, INTEGER, VARCHAR],
    LIST(VARCHAR),
    (wkt: string, res: number, flag: string) => listValue(polygonWktToCells(wkt, res, flag)),
  ),
];
