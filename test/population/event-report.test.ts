import { describe, expect, it } from 'vitest';
import { buildEventReport } from '../../src/population/report/build-event-report.ts';
import { renderEventReport } from '../../src/population/report/render-event-report.ts';

const MIN = 60_000;
const T = Date.UTC(2026, 2, 2, 18, 0);
const m = (x: number) => T + x * MIN;

describe('buildEventReport (hand-checked small case)', () => {
  // 6 attendees: a–c arrive 18:05, d–f 18:20; a–c leave 20:10, d–e 21:40, f stays past the span.
  const stays = [
    ...['a', 'b', 'c'].map((device) => ({ device, start: m(5), end: m(130) })),
    ...['d', 'e'].map((device) => ({ device, start: m(20), end: m(220) })),
    { device: 'f', start: m(20), end: m(400) },
    { device: 'g', start: m(-300), end: m(-100) }, // before the span: not an attendee
  ];
  const occupancy: [number, number][] = [[m(0), 0], [m(15), 3], [m(30), 6], [m(120), 6], [m(135), 3], [m(225), 1]];
  const d = buildEventReport({
    area: { id: 'stadium-1', name: 'Stadio', capacity: 100 }, from: T, to: m(240), k: 3, peoplePerDevice: 2.5,
    occupancy, baseline: { from: T - 86_400_000, occupancy: [[T - 86_400_000, 2]] }, stays,
    origin: new Map([['a', 'Z01'], ['b', 'Z01'], ['c', 'Z01'], ['d', 'FR'], ['e', 'FR'], ['f', 'Z02']]),
  });

  it('attendance, peak and baseline', () => {
    expect(d.attendance).toEqual({ devices: 6, people: 15 });
    expect(d.peak).toEqual({ devices: 6, people: 15, at: m(30) });
    expect(d.occupancy.at(-1)).toEqual([m(225), null]); // 1 device < k
    expect(d.baseline).toEqual({ from: T - 86_400_000, peakDevices: null, occupancy: [[T, null]] });
  });

  it('arrival and departure curves per 15 min, k-safe', () => {
    expect(d.arrivals.length).toBe(16);
    expect(d.arrivals[0]).toEqual([T, 3]);
    expect(d.arrivals[1]).toEqual([m(15), 3]);
    expect(d.arrivals.slice(2).every(([, v]) => v === 0)).toBe(true);
    expect(d.departures[8]).toEqual([m(120), 3]); // 20:10 falls in 20:00–20:15
    expect(d.departures[14]).toEqual([m(210), null]); // d, e at 21:40: 2 < k
  });

  it('dwell distribution and origins (small origins pooled)', () => {
    // a–c: 125 min → 2–3 h; d, e: 200 min → 3–4 h (2 < k); f: 220 min → 3–4 h. So 3–4 h holds 3.
    expect(d.dwell).toEqual([
      { label: '< 30 min', devices: 0 }, { label: '30–60 min', devices: 0 }, { label: '1–2 h', devices: 0 },
      { label: '2–3 h', devices: 3 }, { label: '3–4 h', devices: 3 }, { label: '≥ 4 h', devices: 0 },
    ]);
    expect(d.origins).toEqual([{ origin: 'Z01', devices: 3 }, { origin: 'other', devices: 3 }]);
    expect(d.originsSuppressed).toBe(false);
  });

  it('renders a self-contained HTML page with the charts', () => {
    const html = renderEventReport(d);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html.match(/<svg/g)!.length).toBe(4); // occupancy, arrivals/departures, dwell, origins
    expect(html).toContain('Attendance (unique devices)<b>6</b>');
    expect(html).toContain('Peak occupancy (devices)<b>6</b>');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
  });
});
