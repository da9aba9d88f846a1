import { describe, expect, it } from 'vitest';
import { AlertEngine } from '../../src/alerts/engine/alert-engine.ts';
import type { AlertEngineConfig } from '../../src/alerts/engine/alert-engine-config.ts';
import type { AlertEvent } from '../../src/alerts/engine/alert-event.ts';
import { alertId } from '../../src/alerts/engine/alert-id.ts';
import { WEEK_MS } from '../../src/alerts/engine/slot-baseline.ts';
import { area, T0, W, windows } from './support/areas.ts';

const STADIUM = area('stadium', 50_000, { name: 'San Siro', areaKm2: 0.35 });
const PARK = area('park', 5_000, { name: 'Parco Sempione' });

/** A match night: the crowd builds from 17:45, peaks over capacity, leaves after 20:00. */
const SURGE = [1_000, 1_000, 5_000, 20_000, 35_000, 42_000, 50_500, 52_000, 48_000, 30_000, 10_000, 2_000, 1_000, 1_000];
const QUIET = [900, 950, 1_000, 980, 1_020, 990, 1_010, 970, 1_000, 1_050, 960, 1_000, 1_000, 990];

function run(config: AlertEngineConfig, series: Record<string, readonly number[]>, start = T0): AlertEvent[] {
  const e = new AlertEngine(config);
  return windows(series, start).flatMap((w) => e.onWindow(w.start, w.end, w.present));
}

const brief = (es: AlertEvent[]) => es.map((e) => `${e.areaId} ${e.kind} ${e.state} ${e.level} @${(e.windowStart - T0) / W}`);

describe('AlertEngine: capacity incidents', () => {
  it('a stadium surge raises exactly one incident that escalates and resolves', () => {
    const ev = run({ areas: [STADIUM, PARK] }, { stadium: SURGE, park: QUIET }).filter((e) => e.kind === 'capacity');
    expect(brief(ev)).toEqual([
      'stadium capacity open notice @4',
      'stadium capacity escalated warning @5',
      'stadium capacity escalated critical @6',
      'stadium capacity resolved critical @10',
    ]);
    expect(new Set(ev.map((e) => e.alertId))).toEqual(new Set([alertId('stadium', 'capacity', T0 + 4 * W)]));
    expect(ev.map((e) => e.seq)).toEqual([0, 1, 2, 3]);
    expect(ev[2]).toMatchObject({ people: 50_500, capacity: 50_000, occupancy: 1.01, threshold: 50_000, previousLevel: 'warning', peakLevel: 'critical' });
    expect(ev[2]!.message).toBe('San Siro: capacity critical (escalated from warning) — 50,500 people, 101% of 50,000');
    expect(ev[3]!.message).toBe('San Siro: capacity critical resolved — 10,000 people, 20% of 50,000');
  });

  it('an area without a surge raises nothing', () => {
    const ev = run({ areas: [STADIUM, PARK] }, { stadium: SURGE, park: QUIET });
    expect(ev.filter((e) => e.areaId === 'park')).toEqual([]);
  });

  it('a count oscillating around a threshold raises one incident, not many', () => {
    const osc = [2_000, 2_900, 3_100, 2_950, 3_050, 2_880, 3_120, 2_920, 3_080, 2_960, 3_010, 2_990, 3_040, 1_000, 900, 800];
    const ev = run({ areas: [PARK], kinds: ['capacity'] }, { park: osc });
    expect(brief(ev)).toEqual(['park capacity open notice @2', 'park capacity resolved notice @14']);
  });

  it('a single dip under the hold line does not resolve (M consecutive windows)', () => {
    const ev = run({ areas: [PARK], kinds: ['capacity'] }, { park: [3_500, 3_500, 1_000, 3_500, 3_500, 1_000, 1_000] });
    expect(brief(ev)).toEqual(['park capacity open notice @0', 'park capacity resolved notice @6']);
  });

  it('de-escalates one level when the crowd thins but stays', () => {
    const ev = run({ areas: [PARK], kinds: ['capacity'] }, { park: [4_200, 4_100, 3_300, 3_200, 3_200, 500, 500] });
    expect(brief(ev)).toEqual(['park capacity open warning @0', 'park capacity de-escalated notice @3', 'park capacity resolved notice @6']);
  });

  it('people = devices × scale (global factor, per-area override) and per-area levels', () => {
    const scaled = area('square', 1_000, { scale: 4, levels: { critical: 0.9 } });
    const ev = run({ areas: [scaled, PARK], peoplePerDevice: 2, kinds: ['capacity'] }, { square: [100, 230], park: [1_600, 1_600] });
    expect(brief(ev)).toEqual(['park capacity open notice @0', 'square capacity open critical @1']);
    const sq = ev.find((e) => e.areaId === 'square')!;
    expect(sq).toMatchObject({ devices: 230, people: 920, threshold: 900 });
  });
});

describe('AlertEngine: forecast', () => {
  it('a slow-building gathering raises a forecast warning before it crosses capacity', () => {
    const slow = Array.from({ length: 16 }, (_, i) => Math.min(10_000, 1_000 + i * 800));
    const ev = run({ areas: [area('piazza', 10_000, { name: 'Piazza Duomo' })] }, { piazza: slow });
    const firstForecastWarning = ev.find((e) => e.kind === 'forecast' && e.level !== 'notice')!;
    const firstCritical = ev.find((e) => e.kind === 'capacity' && e.level === 'critical')!;
    expect(firstForecastWarning).toBeDefined();
    expect(firstCritical).toBeDefined();
    expect(firstForecastWarning.windowStart).toBeLessThan(firstCritical.windowStart);
    // The forecast of the critical level itself comes at least a window ahead of the crossing.
    const forecastCritical = ev.find((e) => e.kind === 'forecast' && e.level === 'critical')!;
    expect(forecastCritical.windowStart).toBeLessThanOrEqual(firstCritical.windowStart - W);
    expect(forecastCritical.forecastPeople).toBeGreaterThanOrEqual(10_000);
    expect(forecastCritical.message).toMatch(/^Piazza Duomo: forecast critical .* trend [\d,]+ by \d\d:\d\dZ \(critical at 10,000\)$/);
    // Once the crowd is there the forecast incident resolves: one forecast incident in all.
    const fc = ev.filter((e) => e.kind === 'forecast');
    expect(new Set(fc.map((e) => e.alertId)).size).toBe(1);
    expect(fc.at(-1)!.state).toBe('resolved');
  });

  it('a flat crowd near a level raises no forecast', () => {
    const ev = run({ areas: [PARK], kinds: ['forecast'] }, { park: [2_500, 2_600, 2_550, 2_580, 2_560, 2_570, 2_590] });
    expect(ev).toEqual([]);
  });

  it('respects the horizon', () => {
    const slow = [1_000, 1_400, 1_800, 2_200, 2_600];
    // 400 people per window, fitted from the third window on: with a 1-window horizon 60 % (3,000) is
    // predicted from 2,600; with a 4-window horizon from 1,800 (→ 3,400), and 80 % (4,000) from 2,600.
    const short = run({ areas: [PARK], kinds: ['forecast'], forecast: { horizonMs: 15 * 60_000 } }, { park: slow });
    const long = run({ areas: [PARK], kinds: ['forecast'], forecast: { horizonMs: 60 * 60_000 } }, { park: slow });
    expect(brief(short)).toEqual(['park forecast open notice @4']);
    expect(brief(long)).toEqual(['park forecast open notice @2', 'park forecast escalated warning @4']);
  });
});

describe('AlertEngine: density', () => {
  it('alerts on people/km² only for areas with a density limit', () => {
    const dense = area('corso', 100_000, { areaKm2: 0.2, densityLimit: 20_000 });
    const ev = run({ areas: [dense, PARK], kinds: ['density'] }, { corso: [1_000, 3_300, 4_100, 1_000, 1_000], park: [4_900, 4_900] });
    // 3,300 / 0.2 km² = 16,500 /km² = 82 % of the limit; 4,100 → 20,500 /km² = 102 %.
    expect(brief(ev)).toEqual(['corso density open warning @1', 'corso density escalated critical @2', 'corso density resolved critical @4']);
    expect(ev[1]).toMatchObject({ densityPerKm2: 20_500, value: 20_500, threshold: 20_000 });
  });
});

describe('AlertEngine: anomaly against the weekly baseline', () => {
  const plain = area('navigli', 100_000);
  /** Same evening every Monday: ~800 devices, and a surprise crowd on the last one. */
  function weeks(n: number, last: number[]): AlertEvent[] {
    const e = new AlertEngine({ areas: [plain], kinds: ['anomaly'] });
    const out: AlertEvent[] = [];
    for (let k = 0; k < n; k++) {
      const start = T0 + k * WEEK_MS;
      const counts = k === n - 1 ? last : [780 + k * 10, 800, 820 - k * 5, 790];
      for (const w of windows({ navigli: counts }, start)) out.push(...e.onWindow(w.start, w.end, w.present));
    }
    return out;
  }

  it('flags a crowd far above the usual count for this weekday and time', () => {
    const ev = weeks(5, [800, 2_400, 2_500, 800, 800, 800]);
    expect(ev.map((e) => `${e.kind} ${e.state} ${e.level}`)).toEqual(['anomaly open critical', 'anomaly resolved critical']);
    expect(ev[0]!.baselinePeople).toBeCloseTo(800, -1);
    expect(ev[0]!.zScore!).toBeGreaterThan(5);
  });

  it('cold start: nothing until 3 previous weeks exist', () => {
    expect(weeks(3, [800, 2_400, 2_500, 800, 800, 800])).toEqual([]);
  });

  it('seeded history counts like history the engine saw', () => {
    const e = new AlertEngine({ areas: [plain], kinds: ['anomaly'] });
    for (let k = 1; k <= 4; k++) for (let i = 0; i < 4; i++) e.seed('navigli', T0 + i * W - k * WEEK_MS, 800);
    const ev = windows({ navigli: [800, 2_400] }).flatMap((w) => e.onWindow(w.start, w.end, w.present));
    expect(ev.map((x) => `${x.kind} ${x.state} ${x.level}`)).toEqual(['anomaly open critical']);
  });
});

describe('AlertEngine: determinism', () => {
  const series = { stadium: SURGE, park: QUIET };
  const config: AlertEngineConfig = { areas: [STADIUM, PARK] };

  it('alert_id is stable across replays', () => {
    const a = run(config, series);
    const b = run(config, series);
    expect(b).toEqual(a);
    expect(a.length).toBeGreaterThan(0);
    for (const e of a) expect(e.alertId).toBe(alertId(e.areaId, e.kind, e.openedWindowStart));
  });

  it('a restart (snapshot → restore) in the middle of a surge does not duplicate alerts', () => {
    const whole = run(config, series);
    const ws = windows(series);
    for (let cut = 1; cut < ws.length; cut++) {
      const first = new AlertEngine(config);
      const before = ws.slice(0, cut).flatMap((w) => first.onWindow(w.start, w.end, w.present));
      const saved = JSON.parse(JSON.stringify(first.snapshot()));
      const second = new AlertEngine(config);
      second.restore(saved);
      // An exactly-once source may replay the last window it saw: ignored.
      const replayed = second.onWindow(ws[cut - 1]!.start, ws[cut - 1]!.end, ws[cut - 1]!.present);
      const after = ws.slice(cut).flatMap((w) => second.onWindow(w.start, w.end, w.present));
      expect(replayed).toEqual([]);
      expect([...before, ...after]).toEqual(whole);
    }
  });

  it('a snapshot without the weekly history, seeded again, resumes exactly', () => {
    const plain = area('navigli', 100_000);
    const config: AlertEngineConfig = { areas: [plain] };
    const ws = [0, 1, 2, 3, 4].flatMap((k) => windows({ navigli: k === 4 ? [800, 2_400, 2_500, 2_600, 800, 800] : [800, 810, 790, 805, 800, 795] }, T0 + k * WEEK_MS));
    const one = new AlertEngine(config);
    const whole = ws.flatMap((w) => one.onWindow(w.start, w.end, w.present));
    expect(whole.filter((e) => e.kind === 'anomaly')).toHaveLength(2);
    const a = new AlertEngine(config);
    const before = ws.slice(0, 26).flatMap((w) => a.onWindow(w.start, w.end, w.present));
    const small = a.snapshot({ baseline: false });
    // Only the trend's windows (up to 4) that exist: 14:15 and 14:30 of the last Monday.
    expect(small.history.areas[0]![1].flatMap((r) => r[1])).toEqual([800, 2_400]);
    const b = new AlertEngine(config);
    b.restore(JSON.parse(JSON.stringify(small)));
    for (const w of ws.slice(0, 26)) b.seed('navigli', w.start, w.present.navigli!);
    const after = ws.slice(26).flatMap((w) => b.onWindow(w.start, w.end, w.present));
    expect([...before, ...after]).toEqual(whole);
  });

  it('a window at or before the last one is ignored', () => {
    const e = new AlertEngine(config);
    const [w0, w1] = windows(series);
    e.onWindow(w1!.start, w1!.end, w1!.present);
    expect(e.onWindow(w0!.start, w0!.end, { stadium: 60_000 })).toEqual([]);
  });
});

describe('AlertEngine: config checks', () => {
  it('rejects bad values with the field named', () => {
    expect(() => new AlertEngine({ areas: [PARK], peoplePerDevice: 0 })).toThrow(/peoplePerDevice/);
    expect(() => new AlertEngine({ areas: [PARK], levels: { notice: 0.9 } })).toThrow(/levels must ascend/);
    expect(() => new AlertEngine({ areas: [PARK, PARK] })).toThrow(/duplicate id "park"/);
    expect(() => new AlertEngine({ areas: [PARK], hysteresis: { margin: 1 } })).toThrow(/hysteresis.margin/);
  });
});
