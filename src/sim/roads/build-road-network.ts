import type { LocalFrame } from '../geo/local-frame.ts';
import type { Zone } from '../city/zone.ts';
import { RoadNetwork, type RoadEdge, type RoadKind, type RoadNode } from './road-network.ts';

/** Free-flow speed (km/h), lanes and capacity per lane (vehicles/h) of each road kind. */
export const ROAD_CLASS: Record<Exclude<RoadKind, 'access'>, { kmh: number; lanes: number; perLane: number }> = {
  radial: { kmh: 60, lanes: 2, perLane: 1_800 },
  ring: { kmh: 80, lanes: 3, perLane: 2_000 },
  arterial: { kmh: 40, lanes: 1, perLane: 900 },
};

/** Number of radial roads (evenly spread directions). */
const RADIALS = 8;
/** Pieces of each radial from the centre outwards (the ring crosses at the middle). */
const RADIAL_PIECES = 4;
/** Junctions on the ring (twice the radials: one between each pair). */
const RING_NODES = 2 * RADIALS;
/** Each zone's junction links to this many nearest junctions by an arterial. */
const ARTERIAL_LINKS = 3;

/**
 * The road network of a simulated city, over any zone system: a centre, {@link RADIALS} radial roads
 * out to 90 % of the city's extent (the 90th percentile of zone-centre distances), a ring road at
 * 45 %, and arterials linking every zone's centre to its three nearest junctions. Both directions of
 * each road are separate edges. Deterministic: depends on the zones alone.
 */
export function buildRoadNetwork(zones: readonly Zone[], frame: LocalFrame): RoadNetwork {
  const centres = zones.map((z) => ({ x: frame.x(z.center.lon), y: frame.y(z.center.lat) }));
  const dists = centres.map((c) => Math.hypot(c.x, c.y)).sort((a, b) => a - b);
  const extent = Math.max(2_000, dists[Math.floor(0.9 * (dists.length - 1))] ?? 0);
  const ringR = 0.45 * extent, outerR = 0.9 * extent;
  const nodes: RoadNode[] = [{ x: 0, y: 0 }];
  const edges: RoadEdge[] = [];
  const pairs = new Set<string>();
  const road = (kind: Exclude<RoadKind, 'access'>, name: string, a: number, b: number, piece: number) => {
    const key = a < b ? `${a}-${b}` : `${b}-${a}`;
    if (a === b || pairs.has(key)) return;
    pairs.add(key);
    const na = nodes[a]!, nb = nodes[b]!;
    const lengthM = Math.hypot(nb.x - na.x, nb.y - na.y);
    const cls = ROAD_CLASS[kind];
    for (const [from, to, dir] of [[a, b, 'out'], [b, a, 'in']] as const) {
      edges.push({
        id: `${name}-${dir}-${piece}`, road: name, kind, from, to, lengthM,
        freeFlowKmh: cls.kmh, lanes: cls.lanes, capacityVph: cls.lanes * cls.perLane,
      });
    }
  };
  const ring: number[] = [];
  for (let k = 0; k < RING_NODES; k++) {
    const a = (2 * Math.PI * k) / RING_NODES;
    ring.push(nodes.push({ x: ringR * Math.sin(a), y: ringR * Math.cos(a) }) - 1);
  }
  for (let r = 0; r < RADIALS; r++) {
    const a = (2 * Math.PI * r) / RADIALS;
    let prev = 0;
    for (let p = 1; p <= RADIAL_PIECES; p++) {
      const rad = (outerR * p) / RADIAL_PIECES;
      const node = p === RADIAL_PIECES / 2 ? ring[2 * r]! : nodes.push({ x: rad * Math.sin(a), y: rad * Math.cos(a) }) - 1;
      road('radial', `radial-${r}`, prev, node, p);
      prev = node;
    }
  }
  for (let k = 0; k < RING_NODES; k++) road('ring', 'ring', ring[k]!, ring[(k + 1) % RING_NODES]!, k + 1);
  const roadNodes = nodes.length;
  const zoneNode = centres.map((c) => nodes.push({ x: c.x, y: c.y }) - 1);
  zoneNode.forEach((n, zi) => {
    const me = nodes[n]!;
    const near = nodes
      .map((o, i) => ({ i, d: (o.x - me.x) ** 2 + (o.y - me.y) ** 2 }))
      .filter((o) => o.i !== n && o.d > 2_500)
      .sort((p, q) => p.d - q.d || p.i - q.i);
    near.slice(0, ARTERIAL_LINKS).forEach((o, j) => road('arterial', `arterial-${zones[zi]!.id}`, n, o.i, j + 1));
    // Every zone reaches the main network (radials and ring), so the graph is connected.
    const main = near.find((o) => o.i < roadNodes);
    if (main) road('arterial', `arterial-${zones[zi]!.id}`, n, main.i, ARTERIAL_LINKS + 1);
  });
  return new RoadNetwork(nodes, edges);
}
