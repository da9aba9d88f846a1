import { listValue } from '@duckdb/node-api';
import type { DuckDBListValue } from '@duckdb/node-api';
import type { CellCodec, SplitLong } from './cell-codec.ts';

/**
 * Decodes a SQL list of cells for h3-js. Returns null when an element is
 * NULL or an unparsable string: the extension turns those lists into NULL.
 */
export function decodeCellList(codec: CellCodec, list: DuckDBListValue): SplitLong[] | null {
  const items = list.items;
  const cells: SplitLong[] = new Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const cell: SplitLong = [0, 0];
    if (item === null || item === undefined || !codec.decode(item, cell)) {
      return null;
    }
    cells[i] = cell;
  }
  return cells;
}

/** Encodes h3-js index strings as a SQL list of cells of the codec's type. */
export function encodeCellList(codec: CellCodec, cells: readonly string[]): DuckDBListValue {
  const items: (bigint | string)[] = new Array(cells.length);
  for (let i = 0; i < cells.length; i++) {
    items[i] = codec.encode(cells[i]!);
  }
  return listValue(items);
}
