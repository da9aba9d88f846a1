import { BIGINT, BOOLEAN, INTEGER, LIST, UBIGINT, VARCHAR, listValue } from '@duckdb/node-api';
import type { DuckDBListValue } from '@duckdb/node-api';
import {
  constructCell,
  getIcosahedronFaces,
  getIndexDigit,
  isPentagon,
  isResClassIII,
  isValidCell,
  isValidIndex,
} from 'h3-js';
import {
  CELL_CODECS,
  CELL_KINDS,
  bigintToSplitLong,
  formatH3String,
  parseH3String,
  splitLongToBigInt,
} from './cell-codec.ts';
import { valueCodec } from '../outputs/duckdb/value-codec.ts';
import type { CellCodec, SplitLong } from './cell-codec.ts';
import { scalar } from './h3-scalar-function.ts';
import type { H3ScalarFunction } from './h3-scalar-function.ts';

function overloadsFor(codec: CellCodec): H3ScalarFunction[] {
  const cell: SplitLong = [0, 0];
  const cellType = [codec.type];
  return [
    // Resolution and base cell are bit fields, read without validating the
    // index, as H3's getResolution/getBaseCellNumber do.
    scalar('h3_get_resolution', cellType, INTEGER, (value: unknown) =>
      codec.decode(value, cell) ? (cell[1] >>> 20) & 0xf : null,
    ),
    scalar('h3_get_base_cell_number', cellType, INTEGER, (value: unknown) =>
      codec.decode(value, cell) ? (cell[1] >>> 13) & 0x7f : null,
    ),
    scalar('h3_get_index_digit', [codec.type, INTEGER], INTEGER, (value: unknown, res: number) =>
      codec.decode(value, cell) ? getIndexDigit(cell, res) : null,
    ),
    scalar('h3_is_valid_index', cellType, BOOLEAN, (value: unknown) => codec.decode(value, cell) && isValidIndex(cell)),
    scalar('h3_is_valid_cell', cellType, BOOLEAN, (value: unknown) => codec.decode(value, cell) && isValidCell(cell)),
    scalar('h3_is_pentagon', cellType, BOOLEAN, (value: unknown) => codec.decode(value, cell) && isPentagon(cell)),
    scalar('h3_is_res_class_iii', cellType, BOOLEAN, (value: unknown) =>
      codec.decode(value, cell) && isResClassIII(cell),
    ),
    scalar('h3_get_icosahedron_faces', cellType, LIST(INTEGER), (value: unknown) =>
      codec.decode(value, cell) && isValidCell(cell) ? listValue(getIcosahedronFaces(cell)) : null,
    ),
  ];
}

function toDigits(list: DuckDBListValue): number[] | null {
  const digits: number[] = [];
  for (const item of list.items) {
    if (typeof item !== 'number') return null;
    digits.push(item);
  }
  return digits;
}

function constructCellOverloads(name: string, encode: (h3: string) => bigint | string): H3ScalarFunction[] {
  const returnType = name.endsWith('_string') ? VARCHAR : UBIGINT;
  return [
    scalar(name, [INTEGER, LIST(INTEGER)], returnType, (baseCell: number, list: DuckDBListValue) => {
      const digits = toDigits(list);
      return digits === null ? null : encode(constructCell(baseCell, digits, digits.length));
    }),
    scalar(name, [INTEGER, LIST(INTEGER), INTEGER], returnType, (baseCell: number, list: DuckDBListValue, res: number) => {
      const digits = toDigits(list);
      return digits === null ? null : encode(constructCell(baseCell, digits, res));
    }),
  ];
}

const scratch: SplitLong = [0, 0];

/** Resolution, digits, validity, faces, string ↔ integer: the extension's "inspection" family. */
export const inspectionFunctions: readonly H3ScalarFunction[] = [
  ...CELL_KINDS.flatMap((kind) => overloadsFor(CELL_CODECS[kind])),
  scalar('h3_string_to_h3', [VARCHAR], UBIGINT, (text: string) =>
    parseH3String(text, scratch) ? splitLongToBigInt(scratch[0], scratch[1]) : null,
  ),
  scalar('h3_h3_to_string', [UBIGINT], VARCHAR, (value: bigint) => {
    bigintToSplitLong(value, scratch);
    return formatH3String(scratch[0], scratch[1]);
  }),
  scalar('h3_h3_to_string', [BIGINT], VARCHAR, (value: bigint) => {
    bigintToSplitLong(value, scratch);
    return formatH3String(scratch[0], scratch[1]);
  }),
  ...constructCellOverloads('h3_construct_cell', valueCodec.h3ToUbigint),
  ...constructCellOverloads('h3_construct_cell_string', (h3) => h3),
];
