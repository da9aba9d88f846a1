/** Flow, speed and congestion of one corridor in one bin. */
export interface CorridorBin {
  corridor: string;
  /** Bin start, epoch ms (bins are epoch-aligned). */
  binStart: number;
  binMs: number;
  /** Road devices crossing (≥ 3 corridor cells in order, speed between walkers and rail). */
  flow: number;
  /** Flow × the expansion factor (people or vehicles the devices stand for). */
  flowExpanded: number;
  /** Devices whose speed entered the median (= flow). */
  speedDevices: number;
  /** Median device speed, km/h; null with fewer than `minDevices`. */
  speedKmh: number | null;
  /** Corridor length / speed, s; null without a speed. */
  travelTimeS: number | null;
  /** The corridor's free-flow speed, km/h (night 85th percentile); null when unknown. */
  freeFlowKmh: number | null;
  /** max(0, 1 − speed / free flow): 0 free-flowing, towards 1 jammed; null without a speed. */
  congestion: number | null;
  /** Walkers crossing (speed below `walkMaxKmh`), kept out of flow and speed. */
  walkers: number;
}
