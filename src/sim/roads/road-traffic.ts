import type { RoadNetwork } from './road-network.ts';
import type { PlantedIncident } from './incident-spec.ts';

/** Length of a traffic bin, ms (the truth and the speed–flow relation use 5-minute bins). */
export const ROAD_BIN_MS = 300_000;
const BINS = 288;

/**
 * Loads and speeds of the road network over one day: simulated cars entering each edge per 5-minute
 * bin, and the speed the BPR speed–flow relation gives for them,
 * `v = v_free / (1 + 0.15 · (q / c)^4)` (Bureau of Public Roads), with `q` the hourly flow of real
 * vehicles (simulated cars × `vehiclesPerCar`, averaged over the bin and its neighbours) and `c` the edge's capacity (reduced while a planted
 * incident lasts; past the incident speed is also capped at `capacityLeft` × free flow). Speeds never
 * fall below 5 km/h.
 */
export class RoadTraffic {
  readonly net: RoadNetwork;
  readonly vehiclesPerCar: number;
  incident: PlantedIncident | null = null;
  #incidentEdge = -1;
  #dayStart = 0;
  /** Cars entering per (edge, bin) of the day; the loads speeds are read from. */
  #loads: Float64Array;
  /** Loads being recorded (a planning pass); become {@link #loads} on {@link freeze}. */
  #next: Float64Array;

  constructor(net: RoadNetwork, vehiclesPerCar: number) {
    this.net = net;
    this.vehiclesPerCar = vehiclesPerCar;
    this.#loads = new Float64Array(net.edges.length * BINS);
    this.#next = new Float64Array(net.edges.length * BINS);
  }

  /** Starts a day: free-flow speeds everywhere until {@link freeze}. */
  startDay(dayStart: number): void {
    this.#dayStart = dayStart;
    this.#loads.fill(0);
    this.#next.fill(0);
  }

  /** Plants an incident. */
  setIncident(incident: PlantedIncident): void {
    this.incident = incident;
    this.#incidentEdge = this.net.edges.findIndex((e) => e.id === incident.edge);
  }

  #bin(t: number): number {
    return Math.min(BINS - 1, Math.max(0, Math.floor((t - this.#dayStart) / ROAD_BIN_MS)));
  }

  /** Records a car entering edge `e` at `t` (a planning pass). */
  addCar(e: number, t: number): void {
    this.#next[e * BINS + this.#bin(t)]! += 1;
  }

  /** The recorded loads become the loads speeds are read from. */
  freeze(): void {
    [this.#loads, this.#next] = [this.#next, this.#loads];
    this.#next.fill(0);
  }

  /** Cars entering edge `e` in the bin holding `t`, in the loads speeds are read from. */
  loaded(e: number, t: number): number {
    return this.#loads[e * BINS + this.#bin(t)]!;
  }

  /** Speed (km/h) of a car entering edge `e` at `t`. */
  speedKmh(e: number, t: number): number {
    const edge = this.net.edges[e]!;
    // Demand over the 15 minutes around the bin (a simulated sample is too sparse for 5 alone).
    const b = this.#bin(t), lo = Math.max(0, b - 1), hi = Math.min(BINS - 1, b + 1);
    let cars = 0;
    for (let i = lo; i <= hi; i++) cars += this.#loads[e * BINS + i]!;
    const q = (cars / (hi - lo + 1)) * this.vehiclesPerCar * (3_600_000 / ROAD_BIN_MS);
    let cap = edge.capacityVph;
    const inc = this.incident;
    const blocked = inc !== null && e === this.#incidentEdge && t >= inc.start && t < inc.end;
    if (blocked) cap *= inc.capacityLeft;
    const v = edge.freeFlowKmh / (1 + 0.15 * (q / cap) ** 4);
    // Past a closed lane everyone merges and slows: at most the remaining capacity's share of free flow.
    return Math.max(5, blocked ? Math.min(v, edge.freeFlowKmh * inc.capacityLeft) : v);
  }
}
