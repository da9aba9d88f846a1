import type { Polygon } from 'geojson';
import type { ScenarioKind } from './scenario-spec.ts';

/** A planted crowd event as simulated: part of the ground truth. Times are epoch ms. */
export interface Scenario {
  id: string;
  kind: ScenarioKind;
  /** Zone holding the venue (`null` when the venue lies outside every zone). */
  zoneId: string | null;
  zoneName: string | null;
  /** Venue centre, WGS84. */
  center: { lat: number; lon: number };
  radiusM: number;
  /** The venue footprint (a 32-gon of `radiusM`), WGS84. */
  polygon: Polygon;
  /** First arrival. */
  start: number;
  /** Everyone has arrived. */
  peakStart: number;
  /** First departure. */
  peakEnd: number;
  /** Last departure. */
  end: number;
  /** Attendees planted (on top of whoever lives or works there). */
  expectedPeople: number;
}
