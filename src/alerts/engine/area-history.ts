/** Plain-data form of an {@link AreaHistory}: per area, runs of consecutive windows. */
export interface AreaHistorySnapshot {
  /** Window length the runs step by (0 when unknown: every run then has one value). */
  stepMs: number;
  /** `[areaId, [[firstWindowStart, [devices, …]], …]]`. */
  areas: [string, [number, number[]][]][];
}

/**
 * Devices present per area and window start, for the trend (last few windows) and the weekly
 * baseline (the same slot in previous weeks). Old windows are pruned by {@link prune}.
 */
export class AreaHistory {
  readonly #byArea = new Map<string, Map<number, number>>();

  /** Records a count; an existing one is kept when `overwrite` is false (seeding). */
  set(areaId: string, windowStart: number, devices: number, overwrite = true): void {
    let m = this.#byArea.get(areaId);
    if (!m) this.#byArea.set(areaId, (m = new Map()));
    if (overwrite || !m.has(windowStart)) m.set(windowStart, devices);
  }

  get(areaId: string, windowStart: number): number | undefined {
    return this.#byArea.get(areaId)?.get(windowStart);
  }

  /** Drops windows starting before `cutoff`. */
  prune(cutoff: number): void {
    for (const m of this.#byArea.values()) for (const ws of m.keys()) if (ws < cutoff) m.delete(ws);
  }

  snapshot(stepMs: number): AreaHistorySnapshot {
    const areas: AreaHistorySnapshot['areas'] = [];
    for (const [id, m] of [...this.#byArea].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
      const keys = [...m.keys()].sort((a, b) => a - b);
      const runs: [number, number[]][] = [];
      let prev = NaN;
      for (const ws of keys) {
        const last = runs[runs.length - 1];
        if (last && stepMs > 0 && ws === prev + stepMs) last[1].push(m.get(ws)!);
        else runs.push([ws, [m.get(ws)!]]);
        prev = ws;
      }
      if (runs.length > 0) areas.push([id, runs]);
    }
    return { stepMs, areas };
  }

  static restore(s: AreaHistorySnapshot): AreaHistory {
    const h = new AreaHistory();
    for (const [id, runs] of s.areas) {
      for (const [start, values] of runs) values.forEach((v, i) => h.set(id, start + i * s.stepMs, v));
    }
    return h;
  }
}
