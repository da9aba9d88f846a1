import type { TrueRoadTraversal } from '../truth/truth-sink.ts';
import { ROAD_BIN_MS } from './road-traffic.ts';

/** Truth of one road edge in one 5-minute bin. */
export interface RoadTruthRow {
  edge: string;
  /** Bin start, epoch ms. */
  binStart: number;
  /** Simulated devices entering the edge (cars and bus passengers). */
  devices: number;
  /** Of which cars. */
  cars: number;
  /** Mean speed of the devices over the edge (cars and buses), km/h. */
  speedKmh: number;
  /** Mean speed of the cars over the edge, km/h (NaN without cars). */
  carSpeedKmh: number;
}

/**
 * Collects the simulator's road traversals into the truth per road edge and 5-minute bin (of entry):
 * devices and cars entering, and the mean speed over the edge of all devices (bus passengers drive
 * at bus speed) and of the cars alone.
 */
export class RoadTruth {
  readonly #lengths: ReadonlyMap<string, number>;
  readonly #bins = new Map<string, { devices: number; cars: number; speedSum: number; carSum: number }>();

  constructor(lengths: ReadonlyMap<string, number>) {
    this.#lengths = lengths;
  }

  add(t: TrueRoadTraversal): void {
    const bin = Math.floor(t.enter / ROAD_BIN_MS) * ROAD_BIN_MS;
    const key = `${t.edge}|${bin}`;
    let b = this.#bins.get(key);
    if (!b) this.#bins.set(key, (b = { devices: 0, cars: 0, speedSum: 0, carSum: 0 }));
    const kmh = (this.#lengths.get(t.edge)! / (Math.max(1, t.exit - t.enter) / 1000)) * 3.6;
    b.devices++;
    b.speedSum += kmh;
    if (t.mode === 'car') {
      b.cars++;
      b.carSum += kmh;
    }
  }

  /** The rows, by edge then bin. */
  rows(): RoadTruthRow[] {
    const out: RoadTruthRow[] = [];
    for (const [key, b] of this.#bins) {
      const [edge, bin] = key.split('|') as [string, string];
      out.push({ edge, binStart: Number(bin), devices: b.devices, cars: b.cars, speedKmh: b.speedSum / b.devices, carSpeedKmh: b.cars > 0 ? b.carSum / b.cars : NaN });
    }
    return out.sort((a, b) => (a.edge < b.edge ? -1 : a.edge > b.edge ? 1 : a.binStart - b.binStart));
  }

  /** `edge,bin_start,devices,cars,speed_kmh,car_speed_kmh` (RFC 3339 UTC; car speed blank without cars). */
  csv(): string {
    const lines = ['edge,bin_start,devices,cars,speed_kmh,car_speed_kmh'];
    for (const r of this.rows()) {
      lines.push(`${r.edge},${new Date(r.binStart).toISOString()},${r.devices},${r.cars},${r.speedKmh.toFixed(2)},${Number.isNaN(r.carSpeedKmh) ? '' : r.carSpeedKmh.toFixed(2)}`);
    }
    return lines.join('\n') + '\n';
  }
}
