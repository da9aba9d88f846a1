import { BIGINT, INTEGER, LIST } from '@duckdb/node-api';
import type { DuckDBListValue } from '@duckdb/node-api';
import {
  cellToCenterChild,
  cellToChildPos,
  cellToChildren,
  cellToChildrenSize,
  cellToParent,
  childPosToCell,
  compactCells,
  isValidCell,
  uncompactCells,
} from 'h3-js';
import { CELL_CODECS, CELL_KINDS } from './cell-codec.ts';
import type { CellCodec, SplitLong } from './cell-codec.ts';
import { decodeCellList, encodeCellList } from './cell-lists.ts';
import { scalar } from './h3-scalar-function.ts';
import type { H3ScalarFunction } from './h3-scalar-function.ts';

function overloadsFor(codec: CellCodec): H3ScalarFunction[] {
  const cell: SplitLong = [0, 0];
  const cellType = codec.type;
  return [
    scalar('h3_cell_to_parent', [cellType, INTEGER], cellType, (value: unknown, res: number) =>
      codec.decode(value, cell) ? codec.encode(cellToParent(cell, res)) : null,
    ),
    scalar('h3_cell_to_center_child', [cellType, INTEGER], cellType, (value: unknown, res: number) =>
      codec.decode(value, cell) ? codec.encode(cellToCenterChild(cell, res)) : null,
    ),
    scalar('h3_cell_to_children', [cellType, INTEGER], LIST(cellType), (value: unknown, res: number) => {
      // h3-js answers [] for an invalid parent; the extension answers NULL.
      if (!codec.decode(value, cell) || !isValidCell(cell)) return null;
      return encodeCellList(codec, cellToChildren(cell, res));
    }),
    scalar('h3_cell_to_children_size', [cellType, INTEGER], BIGINT, (value: unknown, res: number) =>
      codec.decode(value, cell) ? BigInt(cellToChildrenSize(cell, res)) : null,
    ),
    scalar('h3_cell_to_child_pos', [cellType, INTEGER], BIGINT, (value: unknown, parentRes: number) =>
      codec.decode(value, cell) ? BigInt(cellToChildPos(cell, parentRes)) : null,
    ),
    scalar(
      'h3_child_pos_to_cell',
      [BIGINT, cellType, INTEGER],
      cellType,
      (position: bigint, parent: unknown, childRes: number) =>
        codec.decode(parent, cell) ? codec.encode(childPosToCell(Number(position), cell, childRes)) : null,
    ),
    scalar('h3_compact_cells', [LIST(cellType)], LIST(cellType), (list: DuckDBListValue) => {
      const cells = decodeCellList(codec, list);
      return cells === null ? null : encodeCellList(codec, compactCells(cells));
    }),
    scalar('h3_uncompact_cells', [LIST(cellType), INTEGER], LIST(cellType), (list: DuckDBListValue, res: number) => {
      const cells = decodeCellList(codec, list);
      return cells === null ? null : encodeCellList(codec, uncompactCells(cells, res));
    }),
  ];
}

/** Parents, children, child positions, compaction: the extension's "hierarchy" family. */
export const hierarchyFunctions: readonly H3ScalarFunction[] = CELL_KINDS.flatMap((kind) =>
  overloadsFor(CELL_CODECS[kind]),
);
