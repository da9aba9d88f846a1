import { DOUBLE, INTEGER, LIST, UBIGINT, VARCHAR, listValue } from '@duckdb/node-api';
import { cellToBoundary, cellToLatLng, latLngToCell } from 'h3-js';
import { CELL_CODECS, CELL_KINDS } from './cell-codec.ts';
import { valueCodec } from '../outputs/duckdb/value-codec.ts';
import type { CellCodec, SplitLong } from './cell-codec.ts';
import { formatPolygonWkt } from './format-wkt.ts';
import { scalar } from './h3-scalar-function.ts';
import type { H3ScalarFunction } from './h3-scalar-function.ts';

/** `h3_cell_to_lat`, `h3_cell_to_lng`, `h3_cell_to_latlng`, `h3_cell_to_boundary_wkt` for one cell type. */
function cellToPointFunctions(codec: CellCodec): H3ScalarFunction[] {
  const cell: SplitLong = [0, 0];
  const cellType = [codec.type];
  return [
    scalar('h3_cell_to_lat', cellType, DOUBLE, (value: unknown) =>
      codec.decode(value, cell) ? cellToLatLng(cell)[0] : null,
    ),
    scalar('h3_cell_to_lng', cellType, DOUBLE, (value: unknown) =>
      codec.decode(value, cell) ? cellToLatLng(cell)[1] : null,
    ),
    scalar('h3_cell_to_latlng', cellType, LIST(DOUBLE), (value: unknown) =>
      codec.decode(value, cell) ? listValue(cellToLatLng(cell)) : null,
    ),
    scalar('h3_cell_to_boundary_wkt', cellType, VARCHAR, (value: unknown) =>
      codec.decode(value, cell) ? formatPolygonWkt([cellToBoundary(cell, true)]) : null,
    ),
  ];
}

/** Point → cell and cell → point/boundary: the extension's "indexing" family. */
export const indexingFunctions: readonly H3ScalarFunction[] = [
  scalar('h3_latlng_to_cell', [DOUBLE, DOUBLE, INTEGER], UBIGINT, (lat: number, lng: number, res: number) =>
    valueCodec.h3ToUbigint(latLngToCell(lat, lng, res)),
  ),
  scalar('h3_latlng_to_cell_string', [DOUBLE, DOUBLE, INTEGER], VARCHAR, (lat: number, lng: number, res: number) =>
    latLngToCell(lat, lng, res),
  ),
  ...CELL_KINDS.flatMap((kind) => cellToPointFunctions(CELL_CODECS[kind])),
];
