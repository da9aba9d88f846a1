import { BIGINT, INTEGER, LIST, listValue } from '@duckdb/node-api';
import type { DuckDBListValue } from '@duckdb/node-api';
import {
  cellToLocalIj,
  gridDisk,
  gridDiskDistances,
  gridDistance,
  gridPathCells,
  gridRing,
  gridRingUnsafe,
  isPentagon,
  localIjToCell,
} from 'h3-js';
import { CELL_CODECS, CELL_KINDS, formatH3String } from './cell-codec.ts';
import type { CellCodec, SplitLong } from './cell-codec.ts';
import { encodeCellList } from './cell-lists.ts';
import { gridDiskDistancesSafe } from './grid-disk-distances-safe.ts';
import { scalar } from './h3-scalar-function.ts';
import type { H3ScalarFunction } from './h3-scalar-function.ts';

/**
 * H3's unsafe disk walk fails as soon as it meets a pentagon; when it does
 * not, `gridDisk` returns exactly its output. So the unsafe variants are the
 * safe result, or NULL when the disk holds a pentagon.
 */
function hasPentagon(cells: readonly string[]): boolean {
  for (const cell of cells) {
    if (isPentagon(cell)) return true;
  }
  return false;
}

function groupedByDistance(codec: CellCodec, rings: readonly (readonly string[])[]): DuckDBListValue {
  return listValue(rings.map((ring) => encodeCellList(codec, ring)));
}

function overloadsFor(codec: CellCodec): H3ScalarFunction[] {
  const cell: SplitLong = [0, 0];
  const other: SplitLong = [0, 0];
  const cellType = codec.type;
  const diskParams = [cellType, INTEGER];
  return [
    scalar('h3_grid_disk', diskParams, LIST(cellType), (value: unknown, k: number) =>
      codec.decode(value, cell) ? encodeCellList(codec, gridDisk(cell, k)) : null,
    ),
    scalar('h3_grid_disk_distances', diskParams, LIST(LIST(cellType)), (value: unknown, k: number) =>
      codec.decode(value, cell) ? groupedByDistance(codec, gridDiskDistances(cell, k)) : null,
    ),
    scalar('h3_grid_disk_unsafe', diskParams, LIST(cellType), (value: unknown, k: number) => {
      if (!codec.decode(value, cell)) return null;
      const disk = gridDisk(cell, k);
      return hasPentagon(disk) ? null : encodeCellList(codec, disk);
    }),
    scalar('h3_grid_disk_distances_unsafe', diskParams, LIST(LIST(cellType)), (value: unknown, k: number) => {
      if (!codec.decode(value, cell)) return null;
      const rings = gridDiskDistances(cell, k);
      return rings.some(hasPentagon) ? null : groupedByDistance(codec, rings);
    }),
    scalar('h3_grid_disk_distances_safe', diskParams, LIST(LIST(cellType)), (value: unknown, k: number) => {
      if (!codec.decode(value, cell)) return null;
      const reached = gridDiskDistancesSafe(formatH3String(cell[0], cell[1]), k);
      if (reached === null) return null;
      const rings: string[][] = Array.from({ length: k + 1 }, () => []);
      for (const { cell: found, distance } of reached) {
        rings[distance]!.push(found);
      }
      return groupedByDistance(codec, rings);
    }),
    scalar('h3_grid_ring', diskParams, LIST(cellType), (value: unknown, k: number) =>
      codec.decode(value, cell) ? encodeCellList(codec, gridRing(cell, k)) : null,
    ),
    scalar('h3_grid_ring_unsafe', diskParams, LIST(cellType), (value: unknown, k: number) =>
      codec.decode(value, cell) ? encodeCellList(codec, gridRingUnsafe(cell, k)) : null,
    ),
    scalar('h3_grid_path_cells', [cellType, cellType], LIST(cellType), (start: unknown, end: unknown) =>
      codec.decode(start, cell) && codec.decode(end, other) ? encodeCellList(codec, gridPathCells(cell, other)) : null,
    ),
    scalar('h3_grid_distance', [cellType, cellType], BIGINT, (origin: unknown, destination: unknown) =>
      codec.decode(origin, cell) && codec.decode(destination, other) ? BigInt(gridDistance(cell, other)) : null,
    ),
    scalar('h3_cell_to_local_ij', [cellType, cellType], LIST(INTEGER), (origin: unknown, target: unknown) => {
      if (!codec.decode(origin, cell) || !codec.decode(target, other)) return null;
      const { i, j } = cellToLocalIj(cell, other);
      return listValue([i, j]);
    }),
    scalar('h3_local_ij_to_cell', [cellType, INTEGER, INTEGER], cellType, (origin: unknown, i: number, j: number) =>
      codec.decode(origin, cell) ? codec.encode(localIjToCell(cell, { i, j })) : null,
    ),
  ];
}

/** Disks, rings, paths, distances, local IJ: the extension's "traversal" family. */
export const traversalFunctions: readonly H3ScalarFunction[] = [
  scalar('h3_max_grid_disk_size', [INTEGER], BIGINT, (k: number) => {
    if (k < 0) return null;
    const radius = BigInt(k);
    return 3n * radius * (radius + 1n) + 1n;
  }),
  ...CELL_KINDS.flatMap((kind) => overloadsFor(CELL_CODECS[kind])),
];
