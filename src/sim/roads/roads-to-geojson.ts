import type { FeatureCollection, LineString } from 'geojson';
import type { LocalFrame } from '../geo/local-frame.ts';
import type { RoadNetwork } from './road-network.ts';

/** The road edges as GeoJSON LineStrings with their id, road, kind, length, free-flow speed, lanes, capacity. */
export function roadsToGeoJson(net: RoadNetwork, frame: LocalFrame): FeatureCollection<LineString> {
  return {
    type: 'FeatureCollection',
    features: net.edges.map((e) => {
      const a = net.nodes[e.from]!, b = net.nodes[e.to]!;
      return {
        type: 'Feature',
        properties: { id: e.id, road: e.road, kind: e.kind, length_m: Math.round(e.lengthM), free_flow_kmh: e.freeFlowKmh, lanes: e.lanes, capacity_vph: e.capacityVph },
        geometry: { type: 'LineString', coordinates: [[frame.lon(a.x), frame.lat(a.y)], [frame.lon(b.x), frame.lat(b.y)]] },
      };
    }),
  };
}
