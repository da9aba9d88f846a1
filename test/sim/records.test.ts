import { beforeAll, describe, expect, it } from 'vitest';
import { SIGNALLING_KINDS } from '../../schemas/events.ts';
import { byImsi, type Parsed, parseRecords, runSim } from './support/run-sim.ts';

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
let run: ReturnType<typeof runSim>;
let records: Parsed[];

beforeAll(() => {
  run = runSim({ seed: 11, subscribers: 1_500 });
  records = parseRecords(run.lines);
});

describe('simulated records', () => {
  it('follow the signalling and location schemas exactly', () => {
    const cells = new Map<string, { validFrom: number; validTo: number }[]>();
    for (const c of run.sim.city.cells) cells.set(c.cellId, [...(cells.get(c.cellId) ?? []), c]);
    const kinds: readonly string[] = SIGNALLING_KINDS;
    let strings = 0;
    const bad: string[] = [];
    const check = (ok: boolean, what: string, rec: object) => {
      if (!ok && bad.length < 5) bad.push(`${what}: ${JSON.stringify(rec)}`);
    };
    for (const { rec, ts } of records) {
      if (typeof rec.ts === 'string') {
        strings++;
        check(RFC3339.test(rec.ts), 'ts string', rec);
      } else check(Number.isSafeInteger(rec.ts), 'ts integer', rec);
      check(ts >= run.sim.config.start && ts < run.sim.end, 'ts in period', rec);
      check(/^22201\d{10}$/.test(rec.imsi as string), 'imsi', rec);
      if ('cell' in rec) {
        check(Object.keys(rec).join() === 'ts,imsi,cell,event', 'signalling keys', rec);
        check(kinds.includes(rec.event as string), 'event kind', rec);
        const versions = cells.get(rec.cell as string) ?? [];
        check(versions.some((v) => v.validFrom <= ts && ts < v.validTo), 'cell valid at ts', rec);
      } else {
        check(Object.keys(rec).join() === 'ts,imsi,lat,lon,accuracy_m', 'location keys', rec);
        check(Math.abs(rec.lat as number) <= 90 && Math.abs(rec.lon as number) <= 180, 'coordinates', rec);
        check((rec.accuracy_m as number) >= 0, 'accuracy', rec);
      }
    }
    expect(bad).toEqual([]);
    // Mostly epoch ms, some RFC 3339.
    expect(strings / records.length).toBeGreaterThan(0.02);
    expect(strings / records.length).toBeLessThan(0.1);
  });

  it('sends about 2 % of lines as arrays of one subscriber', () => {
    const arrays = run.lines.filter((l) => l.startsWith('['));
    expect(arrays.length / run.lines.length).toBeGreaterThan(0.01);
    expect(arrays.length / run.lines.length).toBeLessThan(0.04);
    for (const l of arrays) {
      const recs = JSON.parse(l) as { imsi: string }[];
      expect(recs.length).toBeGreaterThan(1);
      expect(new Set(recs.map((r) => r.imsi)).size).toBe(1);
    }
    expect(run.sim.stats.arrayLines).toBe(arrays.length);
    expect(run.sim.stats.records).toBe(records.length);
  });

  it('arrives in order of event time plus at most disorderMs', () => {
    let maxTs = -Infinity, late = 0, worst = 0;
    const lineTs = new Map<number, number>();
    for (const p of records) lineTs.set(p.line, Math.max(lineTs.get(p.line) ?? -Infinity, p.ts));
    for (const p of records) {
      if (p.ts < maxTs) late++;
      worst = Math.max(worst, maxTs - p.ts);
      maxTs = Math.max(maxTs, lineTs.get(p.line)!);
    }
    expect(late).toBeGreaterThan(0);
    // An array line arrives after its last record: its first can be late by the burst's span (< 45 s) too.
    expect(worst).toBeLessThanOrEqual(run.sim.config.disorderMs + 45_000);
  });

  it('gives every subscriber a distinct IMSI and every one of them a voice', () => {
    const imsis = new Set(run.sim.subscribers.map((s) => s.imsi));
    expect(imsis.size).toBe(run.sim.subscribers.length);
    expect(byImsi(records).size).toBe(run.sim.subscribers.length);
  });

  it('sends fixes only for about fixRate of the devices, near where they are', () => {
    const withFixes = new Set(records.filter((p) => 'lat' in p.rec).map((p) => p.rec.imsi));
    const share = withFixes.size / run.sim.subscribers.length;
    expect(share).toBeGreaterThan(0.15);
    expect(share).toBeLessThan(0.25);
    const flagged = new Set(run.sim.subscribers.filter((s) => s.fixes).map((s) => s.imsi));
    for (const imsi of withFixes) expect(flagged.has(imsi as string)).toBe(true);
  });
});
