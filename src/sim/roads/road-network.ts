/** What kind of road an edge is; sets its free-flow speed, lanes and capacity. */
export const ROAD_KINDS = ['radial', 'ring', 'arterial', 'access'] as const;
export type RoadKind = (typeof ROAD_KINDS)[number];

/** A junction of the simulated road network, in the city's metric frame (metres). */
export interface RoadNode {
  x: number;
  y: number;
}

/** One directed road segment between two junctions. */
export interface RoadEdge {
  /** Stable id, e.g. `radial-3-out-1` (road, direction, piece). */
  id: string;
  /** Name of the road it belongs to (both directions share it), e.g. `radial-3`. */
  road: string;
  kind: RoadKind;
  from: number;
  to: number;
  lengthM: number;
  /** Free-flow speed, km/h. */
  freeFlowKmh: number;
  lanes: number;
  /** Capacity in real vehicles per hour (all lanes). */
  capacityVph: number;
}

/**
 * The simulated city's road network: directed edges between junctions, with shortest paths by
 * free-flow travel time (Dijkstra, one tree per source node, cached).
 */
export class RoadNetwork {
  readonly nodes: readonly RoadNode[];
  readonly edges: readonly RoadEdge[];
  /** Outgoing edge indices per node. */
  readonly out: readonly (readonly number[])[];
  readonly #trees = new Map<number, Int32Array>();

  constructor(nodes: RoadNode[], edges: RoadEdge[]) {
    this.nodes = nodes;
    this.edges = edges;
    const out: number[][] = nodes.map(() => []);
    edges.forEach((e, i) => out[e.from]!.push(i));
    this.out = out;
  }

  /** Index of the junction nearest to (x, y). */
  nearestNode(x: number, y: number): number {
    let best = 0, bd = Infinity;
    for (let i = 0; i < this.nodes.length; i++) {
      const n = this.nodes[i]!;
      const d = (n.x - x) ** 2 + (n.y - y) ** 2;
      if (d < bd) {
        bd = d;
        best = i;
      }
    }
    return best;
  }

  /** Edge indices of the fastest free-flow path from node `a` to node `b` (empty when a = b or unreachable). */
  path(a: number, b: number): number[] {
    if (a === b) return [];
    let tree = this.#trees.get(a);
    if (!tree) this.#trees.set(a, (tree = this.#dijkstra(a)));
    const edges: number[] = [];
    for (let n = b; n !== a; ) {
      const e = tree[n]!;
      if (e < 0) return [];
      edges.push(e);
      n = this.edges[e]!.from;
    }
    return edges.reverse();
  }

  /** Predecessor edge of every node on the fastest free-flow tree from `src` (-1: none). */
  #dijkstra(src: number): Int32Array {
    const n = this.nodes.length;
    const dist = new Float64Array(n).fill(Infinity);
    const pred = new Int32Array(n).fill(-1);
    const done = new Uint8Array(n);
    dist[src] = 0;
    for (;;) {
      let u = -1, ud = Infinity;
      for (let i = 0; i < n; i++) if (!done[i] && dist[i]! < ud) (ud = dist[i]!), (u = i);
      if (u < 0) break;
      done[u] = 1;
      for (const ei of this.out[u]!) {
        const e = this.edges[ei]!;
        const d = ud + e.lengthM / e.freeFlowKmh;
        if (d < dist[e.to]!) {
          dist[e.to] = d;
          pred[e.to] = ei;
        }
      }
    }
    return pred;
  }
}
