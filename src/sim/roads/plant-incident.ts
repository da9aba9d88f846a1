import type { IncidentSpec, PlantedIncident } from './incident-spec.ts';
import type { RoadTraffic } from './road-traffic.ts';

const MIN = 60_000;

/**
 * Resolves an {@link IncidentSpec} on a day whose free-flow demand is recorded in `traffic`: the given
 * edge, else the radial or ring edge with the most cars entering in the incident's first 15 minutes.
 */
export function plantIncident(traffic: RoadTraffic, spec: IncidentSpec, dayStart: number): PlantedIncident {
  const start = dayStart + (spec.startMin ?? 480) * MIN;
  const end = start + (spec.durationMin ?? 60) * MIN;
  const edges = traffic.net.edges;
  let idx = -1;
  if (spec.edge !== undefined) {
    idx = edges.findIndex((e) => e.id === spec.edge);
    if (idx < 0) throw new RangeError(`SimConfig.incident.edge: no road edge ${spec.edge} (see truth/roads.geojson)`);
  } else {
    let best = -1;
    edges.forEach((e, i) => {
      if (e.kind !== 'radial' && e.kind !== 'ring') return;
      let n = 0;
      for (let t = start; t < start + 15 * MIN; t += 5 * MIN) n += traffic.loaded(i, t);
      if (n > best) (best = n), (idx = i);
    });
  }
  const e = edges[idx]!;
  return { edge: e.id, road: e.road, start, end, capacityLeft: spec.capacityLeft ?? 0.35 };
}
