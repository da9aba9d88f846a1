import { describe, expect, it } from 'vitest';
import {
  bestAt, defaultForecasters, errorMetrics, evaluateForecasters, forecastSeries, historicalAverage, ridgeForecaster,
  scaledHistoricalAverage, seasonalNaive, toSlotSeries, type SlotSeries,
} from '../../src/traffic/forecast/index.ts';
import { fitRidge, predictLinear } from '../../src/traffic/forecast/ridge-regression.ts';
import { mulberry32 as rng } from '../support/mulberry32.ts';

const HALF_DAY = 43_200_000; // 2 slots a day, 14 a week: small enough to compute by hand

/** v[i] = i, with slot 4 unknown. */
function tiny(): SlotSeries {
  const values = Array.from({ length: 40 }, (_, i): number | null => (i === 4 ? null : i));
  return { id: 'tiny', start: 0, stepMs: HALF_DAY, values };
}

describe('baselines on a hand-computed series', () => {
  it('seasonal naive takes the same slot a week earlier', () => {
    expect(seasonalNaive.train(tiny(), 31)(30, 2)).toEqual([17, 18]);
  });
  it('historical average means the same weekday-slot over the known weeks, skipping gaps', () => {
    // slot 31: (v17 + v3) / 2 = 10; slot 32: v18 (v4 is unknown) = 18
    expect(historicalAverage().train(tiny(), 31)(30, 2)).toEqual([10, 18]);
    expect(historicalAverage({ weeks: 1 }).train(tiny(), 31)(30, 2)).toEqual([17, 18]);
  });
  it('scaled historical average multiplies by observed ÷ HA over the last slots', () => {
    // last 2 slots: observed 29 + 30 = 59; HA(29) = (15 + 1) / 2 = 8, HA(30) = (16 + 2) / 2 = 9 → ratio 59/17
    const got = scaledHistoricalAverage({ ratioSlots: 2 }).train(tiny(), 31)(30, 2);
    expect(got[0]).toBeCloseTo((10 * 59) / 17, 12);
    expect(got[1]).toBeCloseTo((18 * 59) / 17, 12);
  });
  it('answers null without history', () => {
    expect(seasonalNaive.train(tiny(), 5)(4, 2)).toEqual([null, null]);
    expect(historicalAverage().train(tiny(), 5)(4, 2)).toEqual([null, null]);
  });
});

describe('error metrics on a hand case', () => {
  it('MAE, RMSE, wMAPE', () => {
    // errors 1, -1, -2; |truth| sum 8
    const m = errorMetrics([2, 4, 0], [1, 5, 2]);
    expect(m.n).toBe(3);
    expect(m.mae).toBeCloseTo(4 / 3, 12);
    expect(m.rmse).toBeCloseTo(Math.SQRT2, 12);
    expect(m.wmape).toBeCloseTo(0.5, 12);
  });
});

describe('toSlotSeries', () => {
  it('lays points on the 5-minute grid with gaps as null', () => {
    expect(toSlotSeries('a', [{ ts: 600_000, value: 5 }, { ts: 0, value: 3 }]).values).toEqual([3, null, 5]);
  });
  it('rejects points off the grid and duplicates', () => {
    expect(() => toSlotSeries('a', [{ ts: 0, value: 1 }, { ts: 60_000, value: 2 }])).toThrow(/not on the 5-minute grid/);
    expect(() => toSlotSeries('a', [{ ts: 0, value: 1 }, { ts: 0, value: 2 }])).toThrow(/two values/);
  });
});

describe('ridge regression', () => {
  it('recovers an exact linear relation with lambda 0', () => {
    const rows = Array.from({ length: 50 }, (_, i) => Float64Array.of(i, (i * 7) % 11, 3));
    const y = rows.map((x) => 4 + 2 * x[0]! - 0.5 * x[1]!);
    const m = fitRidge(rows, y, 0);
    expect(m.intercept).toBeCloseTo(4, 5);
    expect(m.coefficients[0]).toBeCloseTo(2, 6);
    expect(m.coefficients[1]).toBeCloseTo(-0.5, 6);
    expect(m.coefficients[2]).toBe(0); // constant column
    expect(predictLinear(m, Float64Array.of(10, 1, 3))).toBeCloseTo(23.5, 5);
  });
});


/**
 * Five weeks of 5-minute occupancy: a two-peak daily profile, quieter weekends, a slowly wandering
 * level (AR(1) on the log scale, as when a crowd lingers longer than usual) and counting noise.
 */
function synthetic(seed: number, weeks = 5): SlotSeries {
  const r = rng(seed), n = weeks * 2016;
  const gauss = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const values: (number | null)[] = [];
  let drift = 0;
  for (let i = 0; i < n; i++) {
    const hour = ((i % 288) * 5) / 60, dow = Math.floor(i / 288) % 7;
    const profile = 80 + 220 * Math.exp(-(((hour - 9) / 1.5) ** 2)) + 160 * Math.exp(-(((hour - 18) / 2) ** 2));
    drift = 0.985 * drift + 0.03 * gauss();
    const mean = profile * (dow >= 5 ? 0.6 : 1) * Math.exp(drift);
    values.push(i % 997 === 3 ? null : Math.max(0, Math.round(mean + Math.sqrt(mean) * gauss())));
  }
  return { id: `synthetic-${seed}`, start: Date.UTC(2026, 2, 2), stepMs: 300_000, values };
}

describe('the ridge model on a synthetic seasonal series with noise', () => {
  it('beats the historical average by ≥ 20 % wMAPE at 60 minutes (rolling origin, seed 7)', () => {
    const s = synthetic(7);
    const ev = evaluateForecasters(s, defaultForecasters(), { firstOrigin: 3 * 2016 });
    const at60 = (name: string) => ev.forecasters.find((f) => f.name === name)!.horizons[11]!;
    expect(ev.origins).toBeGreaterThan(3000);
    expect(at60('ridge').n).toBe(at60('historical_average').n);
    expect(at60('ridge').wmape).toBeLessThan(0.8 * at60('historical_average').wmape);
    expect(bestAt(ev)!.name).toBe('ridge');
    // errors grow with the horizon for the model (persistence fades)
    const ridge = ev.forecasters.find((f) => f.name === 'ridge')!.horizons;
    expect(ridge[0]!.wmape).toBeLessThan(ridge[11]!.wmape);
  });

  it('never reads a slot after the origin', () => {
    const s = synthetic(3, 2);
    const origin = 2016 + 500;
    const spoiled: SlotSeries = { ...s, values: s.values.map((v, i) => (i > origin ? 1e6 : v)) };
    for (const f of defaultForecasters()) {
      expect(f.train(spoiled, origin + 1)(origin, 12)).toEqual(f.train(s, origin + 1)(origin, 12));
    }
  });

  it('forecastSeries gives 12 rows of 5 … 60 minutes from the last known slot', () => {
    const s = synthetic(5, 2);
    const { origin, rows } = forecastSeries(s, [ridgeForecaster(), historicalAverage()]);
    expect(origin).toBe(s.values.length - 1);
    expect(rows.map((r) => r.horizonMin)).toEqual([5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60]);
    expect(rows[0]!.slotStart).toBe(s.start + s.values.length * 300_000);
    expect(rows.every((r) => typeof r.values.ridge === 'number' && typeof r.values.historical_average === 'number')).toBe(true);
  });
});
