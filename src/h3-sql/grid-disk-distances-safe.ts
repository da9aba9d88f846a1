import { cellsToDirectedEdge, gridDisk, h3IndexToSplitLong } from 'h3-js';
import { valueCodec } from '../outputs/duckdb/value-codec.ts';

/**
 * H3's neighbor traversal order (`DIRECTIONS` in algos.c): J, JK, K, IK, I, IJ
 * as digits 2, 3, 1, 5, 4, 6. Index = digit, value = position in the order.
 */
const DIRECTION_RANK = [-1, 2, 0, 1, 4, 3, 5] as const;

/** A cell reached by the traversal and its grid distance from the origin. */
export interface CellAtDistance {
  readonly cell: string;
  readonly distance: number;
}

/**
 * The direction digit H3 uses to step from `origin` to `neighbor`, read from
 * the reserved bits of the directed edge between them (`cellsToDirectedEdge`
 * derives it with the same `h3NeighborRotations` the traversal uses).
 * Undefined when H3 has no direction for the pair.
 */
function directionTo(origin: string, neighbor: string): number | undefined {
  try {
    return (h3IndexToSplitLong(cellsToDirectedEdge(origin, neighbor))[1] >>> 24) & 0x7;
  } catch {
    return undefined;
  }
}

function neighborsInTraversalOrder(cell: string): string[] {
  const ranked: [rank: number, neighbor: string][] = [];
  for (const neighbor of gridDisk(cell, 1)) {
    if (neighbor === cell) continue;
    const direction = directionTo(cell, neighbor);
    if (direction !== undefined && direction > 0) {
      ranked.push([DIRECTION_RANK[direction as 1 | 2 | 3 | 4 | 5 | 6], neighbor]);
    }
  }
  ranked.sort((a, b) => a[0] - b[0]);
  return ranked.map(([, neighbor]) => neighbor);
}

/**
 * H3's `gridDiskDistancesSafe`, which h3-js does not export: the recursive
 * traversal that works around pentagons, returning cells in the order of
 * H3's output array. That array is an open-addressing hash set (slot
 * `cell % maxGridDiskSize(k)`, linear probing), so the order depends on the
 * traversal's visiting order, reproduced here step for step: neighbors in
 * H3's direction order, revisiting a cell when reached by a shorter path.
 *
 * Returns null for a negative `k`. Memory is bounded by the disk size and
 * released when the call returns.
 */
export function gridDiskDistancesSafe(origin: string, k: number): CellAtDistance[] | null {
  if (!Number.isInteger(k) || k < 0) {
    return null;
  }
  const size = 3 * k * (k + 1) + 1;
  const modulus = BigInt(size);
  const slots: (string | undefined)[] = new Array(size);
  const distances = new Int32Array(size);
  const neighbors = new Map<string, string[]>();

  const visit = (cell: string, distance: number): void => {
    let slot = Number(valueCodec.h3ToUbigint(cell) % modulus);
    while (slots[slot] !== undefined && slots[slot] !== cell) {
      slot = (slot + 1) % size;
    }
    if (slots[slot] === cell && distances[slot]! <= distance) {
      return;
    }
    slots[slot] = cell;
    distances[slot] = distance;
    if (distance >= k) {
      return;
    }
    let next = neighbors.get(cell);
    if (next === undefined) {
      next = neighborsInTraversalOrder(cell);
      neighbors.set(cell, next);
    }
    for (const neighbor of next) {
      visit(neighbor, distance + 1);
    }
  };
  visit(origin, 0);

  const result: CellAtDistance[] = [];
  for (let slot = 0; slot < size; slot++) {
    const cell = slots[slot];
    if (cell !== undefined) {
      result.push({ cell, distance: distances[slot]! });
    }
  }
  return result;
}
