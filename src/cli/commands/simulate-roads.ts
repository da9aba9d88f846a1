import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { roadCorridors } from '../../sim/roads/road-corridors.ts';
import { RoadTruth } from '../../sim/roads/road-truth.ts';
import { roadsToGeoJson } from '../../sim/roads/roads-to-geojson.ts';
import type { Simulation } from '../../sim/simulation.ts';
import type { TrueRoadTraversal } from '../../sim/truth/truth-sink.ts';

/** Help lines of the road outputs (`--roads`). */
export const ROADS_HELP_FILES = `  DIR/truth/roads.geojson    (--roads) the road network: edges with id, kind, free-flow speed, lanes
  DIR/truth/road-traffic.csv (--roads) edge,bin_start,devices,cars,speed_kmh,car_speed_kmh per
                             5-minute bin
  DIR/truth/incident.json    (--incident) where and when the lane was closed
  DIR/corridors.json         (--roads) the radials and ring as corridors (docs/traffic.md format)
`;

/** Collects and writes the simulator's road truth (no-op without roads). */
export class RoadOutputs {
  readonly #sim: Simulation;
  readonly #truth: RoadTruth | null;

  constructor(sim: Simulation) {
    this.#sim = sim;
    const net = sim.roads?.traffic.net;
    this.#truth = net ? new RoadTruth(new Map(net.edges.map((e) => [e.id, e.lengthM]))) : null;
  }

  /** The truth callback, when roads are on. */
  get sink(): { roadTraversal?: (t: TrueRoadTraversal) => void } {
    const t = this.#truth;
    return t ? { roadTraversal: (x) => t.add(x) } : {};
  }

  /** Writes roads.geojson, road-traffic.csv, incident.json and corridors.json into `out`. */
  async write(out: string): Promise<void> {
    const sim = this.#sim, roads = sim.roads;
    if (!roads || !this.#truth) return;
    const net = roads.traffic.net;
    await writeFile(join(out, 'truth', 'roads.geojson'), JSON.stringify(roadsToGeoJson(net, sim.city.frame)) + '\n');
    await writeFile(join(out, 'truth', 'road-traffic.csv'), this.#truth.csv());
    if (sim.incident) await writeFile(join(out, 'truth', 'incident.json'), JSON.stringify({ ...sim.incident, start: new Date(sim.incident.start).toISOString(), end: new Date(sim.incident.end).toISOString() }, null, 1) + '\n');
    const corridors = roadCorridors(net, sim.city, sim.config.start);
    await writeFile(join(out, 'corridors.json'), JSON.stringify({ corridors }) + '\n');
  }
}
