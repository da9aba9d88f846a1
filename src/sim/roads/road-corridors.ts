import { latLngToCell } from 'h3-js';
import type { LineString } from 'geojson';
import type { City } from '../city/city.ts';
import type { RoadNetwork } from './road-network.ts';

/** Sampling step along a road when finding its serving cells, metres. */
const STEP_M = 20;

/** A corridor declared from a simulated road (the `--corridors` file format of docs/traffic.md). */
export interface RoadCorridor {
  id: string;
  /** H3 cells (res 9) of the serving sites along the road, in driving order. */
  cells: string[];
  /** Distance from the corridor's start at which a vehicle enters each cell, metres (0 for the first). */
  entries_m: number[];
  length_m: number;
  free_flow_kmh: number;
  /** The road edges it covers, in order (simulator truth only). */
  edges: string[];
  geometry: LineString;
}

/**
 * Corridors of the simulated road network, for the traffic accuracy and as an example `--corridors`
 * file: each radial split at the ring into an inner and an outer half, and the ring in arcs between
 * radial junctions, both directions. The cell chain is what a phone driving the road is served by
 * (sampled every 20 m at `t`); corridors crossing fewer than 3 sites are left out.
 */
export function roadCorridors(net: RoadNetwork, city: City, t: number): RoadCorridor[] {
  const groups = new Map<string, number[]>();
  net.edges.forEach((e, i) => {
    if (e.kind !== 'radial' && e.kind !== 'ring') return;
    const dir = e.id.includes('-out-') ? 'out' : 'in';
    const piece = Number(e.id.slice(e.id.lastIndexOf('-') + 1));
    const part = e.kind === 'radial' ? (piece <= 2 ? 'inner' : 'outer') : `arc${Math.floor((piece - 1) / 2)}`;
    const key = `${e.road}-${part}-${dir}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(i);
  });
  const out: RoadCorridor[] = [];
  for (const [id, idx] of groups) {
    // Chain the edges head to tail.
    const edges = idx.map((i) => net.edges[i]!);
    const first = edges.find((e) => !edges.some((o) => o.to === e.from)) ?? edges[0]!;
    const chain = [first];
    while (chain.length < edges.length) {
      const nxt = edges.find((o) => o.from === chain[chain.length - 1]!.to);
      if (!nxt) break;
      chain.push(nxt);
    }
    const pts = [net.nodes[chain[0]!.from]!, ...chain.map((e) => net.nodes[e.to]!)];
    const cells: string[] = [], entries: number[] = [];
    let along = 0, time = 0;
    for (let k = 1; k < pts.length; k++) {
      const a = pts[k - 1]!, b = pts[k]!;
      const len = Math.hypot(b.x - a.x, b.y - a.y);
      time += len / chain[k - 1]!.freeFlowKmh;
      for (let d = 0; d < len; d += STEP_M) {
        const x = a.x + ((b.x - a.x) * d) / len, y = a.y + ((b.y - a.y) * d) / len;
        const code = city.index.serve(x, y, t);
        if (code < 0) continue;
        const site = city.index.site(Math.floor(code / 3));
        const h3 = latLngToCell(site.lat, site.lon, 9);
        if (cells[cells.length - 1] !== h3) {
          cells.push(h3);
          entries.push(Math.round(along + d));
        }
      }
      along += len;
    }
    if (new Set(cells).size < 3) continue;
    out.push({
      id, cells, entries_m: entries, length_m: Math.round(along), free_flow_kmh: Math.round((along / time) * 10) / 10,
      edges: chain.map((e) => e.id),
      geometry: { type: 'LineString', coordinates: pts.map((p) => [round6(city.frame.lon(p.x)), round6(city.frame.lat(p.y))]) },
    });
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : 1));
}

function round6(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}
