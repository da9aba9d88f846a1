/**
 * A planted road incident: lanes closed on one road edge for a while (simulator flag `--incident`).
 * Every field is optional; defaults in brackets.
 */
export interface IncidentSpec {
  /** Edge id (see `truth/roads.geojson`). [the busiest radial or ring edge in the incident's first 15 minutes, free-flow demand] */
  edge?: string;
  /** Day of the simulation, 0-based. [0] */
  day?: number;
  /** Start, minutes after midnight. [480 = 08:00] */
  startMin?: number;
  /** Duration, minutes. [60] */
  durationMin?: number;
  /** Share of the edge's capacity left while it lasts (a closed lane of two leaves about half, less with rubbernecking). [0.35] */
  capacityLeft?: number;
}

/** Where and when the incident happened (written to `truth/incident.json`). */
export interface PlantedIncident {
  edge: string;
  road: string;
  start: number;
  end: number;
  capacityLeft: number;
}
