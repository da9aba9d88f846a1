import { describe, expect, it } from 'vitest';
import { barChartSvg } from '../../src/outputs/charts/bar-chart.ts';
import { lineChartSvg } from '../../src/outputs/charts/line-chart.ts';
import { niceTicks } from '../../src/outputs/charts/nice-ticks.ts';
import { timeTicks } from '../../src/outputs/charts/time-axis.ts';
import type { DailyReportData } from '../../jobs/daily-report/daily-report-data.ts';
import { renderDailyReport } from '../../jobs/daily-report/render-daily-report.ts';
import { localDay } from '../../src/core/local-day.ts';

const H = 3_600_000;
const T0 = Date.parse('2026-03-02T00:00Z');

describe('local days', () => {
  it('yesterday of a 02:30 run, 23 and 25 hours long on Rome DST days, shifted in Shanghai', () => {
    expect(localDay(Date.parse('2026-03-30T00:30Z'), 'Europe/Rome', -1)).toEqual({ day: '2026-03-29', fromMs: Date.parse('2026-03-28T23:00Z'), toMs: Date.parse('2026-03-29T22:00Z') });
    const fall = localDay(Date.parse('2026-10-26T01:30Z'), 'Europe/Rome', -1);
    expect([fall.day, (fall.toMs - fall.fromMs) / H]).toEqual(['2026-10-25', 25]);
    expect(localDay(Date.parse('2026-03-02T18:00Z'), 'Asia/Shanghai')).toEqual({ day: '2026-03-03', fromMs: Date.parse('2026-03-02T16:00Z'), toMs: Date.parse('2026-03-03T16:00Z') });
  });
});

describe('charts', () => {
  it('scales and ticks', () => {
    expect(niceTicks(0, 87, 5)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(timeTicks(T0, T0 + 24 * H, 'UTC').map((t) => t.label)).toEqual(['00:00', '04:00', '08:00', '12:00', '16:00', '20:00', '00:00']);
    expect(timeTicks(T0, T0 + 24 * H, 'Asia/Kolkata')[0]!.label).toBe('08:00'); // a +05:30 zone still gets ticks
  });

  it('a line breaks where a value is suppressed (null); text is escaped', () => {
    const svg = lineChartSvg({ series: [{ name: 'A <&> B', points: [[T0, 30], [T0 + H, null], [T0 + 2 * H, 40], [T0 + 3 * H, 42]] }], title: 'x < y' });
    expect((svg.match(/<path d="M/g) ?? []).length).toBe(1);
    expect((svg.match(/M/g) ?? []).length).toBeGreaterThanOrEqual(2);
    expect(svg).toContain('x &lt; y');
    expect(svg).not.toContain('A <&> B');
  });

  it('bars show n/a for null', () => {
    expect(barChartSvg({ bars: [{ label: 'a', value: 3 }, { label: 'b', value: null }] })).toContain('n/a');
  });
});

describe('renderDailyReport', () => {
  const data: DailyReportData = {
    day: '2026-03-02', timeZone: 'UTC', fromMs: T0, toMs: T0 + 24 * H, k: 20, generatedAt: T0 + 27 * H,
    city: [[T0, 1200], [T0 + H, 1250]],
    peakMap: { atMs: T0 + H, res: 8, cells: [{ windowStart: T0 + H, windowEnd: T0 + H + 900_000, h3: '881f1d4a9bfffff', res: 8, present: 30 }] },
    areas: { kind: 'zones', label: 'milan_nil', outlines: [], rows: [
      { id: '1', name: 'Duomo <centre>', meanPresent: 300, peakPresent: 410, peakAt: T0 + H, perKm2: 120.5, series: [[T0, 300], [T0 + H, null]] },
    ] },
    quality: {
      deadLetters: { hours: [T0], reasons: [{ name: 'malformed_json', values: [4] }], total: 5, withoutTime: 1 },
      lateEvents: [{ hour: T0, source: 'kafka', late: 2, medianS: 12, maxS: 30 }],
      silentCells: [],
    },
  };

  it('one self-contained page: sections, inline SVG, escaped names, no scripts or external resources', () => {
    const html = renderDailyReport(data, { attribution: 'Contains open data of the Comune di Milano' });
    for (const s of ['daily report 2026-03-02', 'By district — milan_nil', 'Dead letters: <b>5</b> (1 without a readable time)', 'Late events', 'Silent cells', 'Duomo &lt;centre&gt;', 'Comune di Milano']) {
      expect(html).toContain(s);
    }
    expect((html.match(/<svg /g) ?? []).length).toBe(5); // city line, map, bars, one district, dead letters
    expect(html).not.toMatch(/<script|<link|src=|href="http/);
  });
});
