import type { SimConfig } from '../../../src/sim/sim-config.ts';
import { Simulation } from '../../../src/sim/simulation.ts';
import { TruthCollector } from '../../../src/sim/truth/truth-collector.ts';

/** 2026-03-02T00:00:00Z, a Monday in the past. */
export const START = Date.UTC(2026, 2, 2);
export const MIN = 60_000;
export const H = 3_600_000;

/** A record as parsed from a line, with the 1-based line it came from. */
export interface Parsed {
  line: number;
  rec: Record<string, unknown>;
  /** Event time, epoch ms. */
  ts: number;
}

/** Runs a simulation to the end, collecting lines and truth. */
export function runSim(config: SimConfig) {
  const sim = new Simulation({ start: START, ...config });
  const truth = new TruthCollector();
  const lines = [...sim.lines(truth)];
  return { sim, truth, lines };
}

/** Every good record of `lines` (skipping `skip` line numbers), arrays flattened. */
export function parseRecords(lines: string[], skip: ReadonlyMap<number, unknown> = new Map()): Parsed[] {
  const out: Parsed[] = [];
  lines.forEach((text, i) => {
    if (skip.has(i + 1)) return;
    const v = JSON.parse(text) as unknown;
    for (const rec of Array.isArray(v) ? v : [v]) {
      const r = rec as Record<string, unknown>;
      out.push({ line: i + 1, rec: r, ts: typeof r.ts === 'number' ? r.ts : Date.parse(r.ts as string) });
    }
  });
  return out;
}

/** Records grouped by IMSI, in line order. */
export function byImsi(records: Parsed[]): Map<string, Parsed[]> {
  const m = new Map<string, Parsed[]>();
  for (const p of records) {
    const k = p.rec.imsi as string;
    let list = m.get(k);
    if (!list) m.set(k, (list = []));
    list.push(p);
  }
  return m;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** Great-circle distance, metres. */
export function haversine(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const r = Math.PI / 180;
  const a = Math.sin(((lat2 - lat1) * r) / 2) ** 2 + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(((lon2 - lon1) * r) / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.sqrt(a));
}
