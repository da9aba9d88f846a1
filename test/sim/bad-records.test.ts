import { beforeAll, describe, expect, it } from 'vitest';
import { DEAD_LETTER_REASONS, type DeadLetterReason } from '../../schemas/events.ts';
import { runSim } from './support/run-sim.ts';

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const MIN_TS = Date.UTC(2000, 0, 1);

/**
 * A reference reading of the event contracts (schemas/*.schema.json), written for this test: the
 * reason a line's (first) record must be dead-lettered for, or null when it is valid.
 */
function classify(line: string, cells: Map<string, { validFrom: number; validTo: number }[]>): DeadLetterReason | null {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return 'malformed_json';
  }
  for (const rec of Array.isArray(v) ? v : [v]) {
    const reason = classifyRecord(rec, cells);
    if (reason) return reason;
  }
  return null;
}

function classifyRecord(v: unknown, cells: Map<string, { validFrom: number; validTo: number }[]>): DeadLetterReason | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'not_an_object';
  const r = v as Record<string, unknown>;
  const isSig = r.cell !== undefined, isLoc = r.lat !== undefined || r.lon !== undefined;
  if (!isSig && !isLoc) return 'unknown_kind';
  if (r.imsi === undefined) return 'missing_field';
  if (typeof r.imsi !== 'string' || r.imsi === '') return 'invalid_field';
  if (r.ts === undefined) return 'missing_field';
  let ts: number;
  if (typeof r.ts === 'number' && Number.isInteger(r.ts)) ts = r.ts;
  else if (typeof r.ts === 'string' && RFC3339.test(r.ts) && !Number.isNaN(Date.parse(r.ts))) ts = Date.parse(r.ts);
  else return 'invalid_timestamp';
  if (ts < MIN_TS) return 'timestamp_out_of_range';
  if (isSig) {
    if (typeof r.cell !== 'string' || r.cell === '') return 'invalid_field';
    if (r.event === undefined) return 'missing_field';
    if (typeof r.event !== 'string' || r.event === '') return 'invalid_field';
    return cells.get(r.cell)?.some((c) => c.validFrom <= ts && ts < c.validTo) ? null : 'unknown_cell';
  }
  if (r.lat === undefined || r.lon === undefined) return 'missing_field';
  if (typeof r.lat !== 'number' || typeof r.lon !== 'number') return 'invalid_field';
  if (Math.abs(r.lat) > 90 || Math.abs(r.lon) > 180) return 'coordinates_out_of_range';
  if (r.accuracy_m !== undefined && !(typeof r.accuracy_m === 'number' && r.accuracy_m >= 0)) return 'invalid_field';
  return null;
}

let run: ReturnType<typeof runSim>;
let cells: Map<string, { validFrom: number; validTo: number }[]>;

beforeAll(() => {
  run = runSim({ seed: 8, subscribers: 600, badRate: 0.03 });
  cells = new Map();
  for (const c of run.sim.city.cells) cells.set(c.cellId, [...(cells.get(c.cellId) ?? []), c]);
});

describe('bad records', () => {
  it('makes about badRate of the lines bad, of every dead-letter reason', () => {
    const bad = run.truth.badLines;
    expect(bad.size).toBe(run.sim.stats.badLines);
    expect(bad.size / run.lines.length).toBeGreaterThan(0.025);
    expect(bad.size / run.lines.length).toBeLessThan(0.035);
    expect(new Set(bad.values())).toEqual(new Set(DEAD_LETTER_REASONS));
  });

  it('marks each bad line with the reason the contracts give it; every other line is valid', () => {
    const wrong: string[] = [];
    run.lines.forEach((line, i) => {
      const expected = run.truth.badLines.get(i + 1) ?? null;
      const got = classify(line, cells);
      if (got !== expected && wrong.length < 10) wrong.push(`line ${i + 1}: expected ${expected}, got ${got}: ${line}`);
    });
    expect(wrong).toEqual([]);
  });

  it('leaves the good stream and the truth unchanged', async () => {
    const clean = runSim({ seed: 8, subscribers: 600 });
    const kept = run.lines.filter((_, i) => !run.truth.badLines.has(i + 1));
    expect(kept).toEqual(clean.lines);
    expect(run.truth.positions).toEqual(clean.truth.positions);
  });
});
