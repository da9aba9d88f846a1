import { createHash } from 'node:crypto';
import type { CorridorBin } from './corridor-bin.ts';
import type { SlowdownAlert } from './slowdown-alert.ts';
import type { ResolvedTrafficConfig } from './traffic-config.ts';

/**
 * Slowdown alerts per corridor, fed bins in time order as they become final (each corridor on its
 * own): an incident opens on a bin with a speed (≥ `minDevices` devices) and congestion ≥ `alertOpen`,
 * and resolves on the first later bin with a speed and congestion < `alertClose`. Bins without a
 * speed change nothing. State is plain data.
 */
export class SlowdownDetector {
  readonly #cfg: ResolvedTrafficConfig;
  #open = new Map<string, { alertId: string; openedBin: number }>();

  constructor(cfg: ResolvedTrafficConfig) {
    this.#cfg = cfg;
  }

  /** The alert events the bin causes (none, an open, or a resolve). */
  push(bin: CorridorBin): SlowdownAlert[] {
    if (bin.speedKmh === null || bin.congestion === null) return [];
    const open = this.#open.get(bin.corridor);
    const base = { corridor: bin.corridor, kind: 'slowdown' as const, binStart: bin.binStart, speedKmh: bin.speedKmh, freeFlowKmh: bin.freeFlowKmh, congestion: bin.congestion, devices: bin.speedDevices };
    const pct = Math.round(bin.congestion * 100);
    const at = new Date(bin.binStart).toISOString().slice(0, 16) + 'Z';
    if (!open && bin.congestion >= this.#cfg.alertOpen) {
      const alertId = createHash('sha256').update(JSON.stringify([bin.corridor, 'slowdown', bin.binStart])).digest('hex').slice(0, 32);
      this.#open.set(bin.corridor, { alertId, openedBin: bin.binStart });
      return [{ ...base, alertId, seq: 0, state: 'open', openedBin: bin.binStart, message: `slowdown on ${bin.corridor} at ${at}: ${bin.speedKmh.toFixed(0)} km/h against ${bin.freeFlowKmh!.toFixed(0)} free flow (congestion ${pct} %, ${bin.speedDevices} devices)` }];
    }
    if (open && bin.congestion < this.#cfg.alertClose) {
      this.#open.delete(bin.corridor);
      return [{ ...base, alertId: open.alertId, seq: 1, state: 'resolved', openedBin: open.openedBin, message: `slowdown on ${bin.corridor} resolved at ${at}: ${bin.speedKmh.toFixed(0)} km/h (congestion ${pct} %)` }];
    }
    return [];
  }

  snapshot(): [string, { alertId: string; openedBin: number }][] {
    return [...this.#open];
  }

  restore(state: [string, { alertId: string; openedBin: number }][]): void {
    this.#open = new Map(state);
  }
}

/** Runs a detector over bins (any order; sorted by time per corridor) and returns every alert event. */
export function detectSlowdowns(bins: readonly CorridorBin[], cfg: ResolvedTrafficConfig): SlowdownAlert[] {
  const d = new SlowdownDetector(cfg);
  const sorted = [...bins].sort((a, b) => a.binStart - b.binStart || (a.corridor < b.corridor ? -1 : 1));
  return sorted.flatMap((b) => d.push(b));
}
