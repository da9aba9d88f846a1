import { describe, expect, it } from 'vitest';
import { detectHomeWork } from '../../src/population/engine/detect-home-work.ts';
import { resolvePopulationConfig } from '../../src/population/engine/population-config.ts';
import type { PlaceStay } from '../../src/population/engine/place-stay.ts';
import { ZonedClock } from '../../src/population/engine/zoned-clock.ts';

const H = 3_600_000;
/** 2026-03-02 is a Monday; Europe/Rome is UTC+1 until 2026-03-29. */
const MON = Date.UTC(2026, 2, 2);
const day = (d: number, h: number, m = 0) => MON + d * 24 * H + h * H + m * 60_000;
const HOME = { h3: 'home', lat: 45.46, lng: 9.19 };
const WORK = { h3: 'work', lat: 45.50, lng: 9.23 }; // ≈ 5.4 km away
const NEAR = { h3: 'near', lat: 45.461, lng: 9.19 }; // ≈ 110 m from home
const stay = (device: string, p: { h3: string; lat: number; lng: number }, start: number, end: number): PlaceStay => ({ device, start, end, ...p });

describe('ZonedClock', () => {
  it('reads local hours and weekdays across a DST change', () => {
    const c = new ZonedClock('Europe/Rome');
    expect(c.local(Date.UTC(2026, 2, 2, 23, 30))).toEqual({ day: 20515, hour: 0, weekday: 2 }); // Tue 00:30 local
    expect(c.offset(Date.UTC(2026, 2, 29, 0, 59))).toBe(H);
    expect(c.offset(Date.UTC(2026, 2, 29, 1, 0))).toBe(2 * H); // CEST from 01:00 UTC
    expect(new ZonedClock('UTC').local(MON)).toEqual({ day: 20514, hour: 0, weekday: 1 });
  });
});

describe('detectHomeWork', () => {
  const rome = resolvePopulationConfig({ timeZone: 'Europe/Rome' });
  const utc = resolvePopulationConfig();

  it('counts a night across midnight once, in the configured time zone', () => {
    // Three nights at home, each 22:30 → 06:00 local (21:30 → 05:00 UTC): three distinct nights, not six.
    const stays = [0, 1, 2].map((d) => stay('a', HOME, day(d, 21, 30), day(d + 1, 5)));
    expect(detectHomeWork(stays, rome)).toEqual([{ device: 'a', home: 'home', homeAt: [HOME.lat, HOME.lng], homeNights: 3, work: null, workAt: null, workDays: 0, nightsSeen: 3, homeCellOnly: false, workCellOnly: false }]);
  });

  it('reads evenings in local time: 21:00–23:30 local is 1.5 h of night in Rome, 0.5 h in UTC', () => {
    const stays = [0, 1, 2].map((d) => stay('b', HOME, day(d, 20), day(d, 22, 30)));
    expect(detectHomeWork(stays, rome)[0]).toMatchObject({ home: 'home', homeNights: 3 });
    expect(detectHomeWork(stays, utc)[0]).toMatchObject({ home: null, homeNights: 0, nightsSeen: 0 });
  });

  it('gives no home on too little evidence (2 nights < minHomeNights 3)', () => {
    const stays = [0, 1].map((d) => stay('c', HOME, day(d, 21), day(d + 1, 6)));
    expect(detectHomeWork(stays, rome)[0]).toMatchObject({ home: null, homeNights: 0, nightsSeen: 2 });
    expect(detectHomeWork(stays, resolvePopulationConfig({ timeZone: 'Europe/Rome', minHomeNights: 2 }))[0]).toMatchObject({ home: 'home', homeNights: 2 });
  });

  it('home = most distinct nights; work = most weekday daytimes away from home', () => {
    const stays: PlaceStay[] = [];
    for (let d = 0; d < 7; d++) stays.push(stay('d', HOME, day(d, 18), day(d + 1, 7, 30)));
    // Two nights at a friend's (NEAR) do not beat five… but both are nights; home keeps the most.
    stays.push(stay('d', NEAR, day(7, 21), day(8, 6)), stay('d', NEAR, day(8, 21), day(9, 6)));
    // Work Mon–Fri 08:30–17:30 local: 5 weekdays; Saturday at work does not count.
    for (let d = 0; d < 6; d++) stays.push(stay('d', WORK, day(d, 7, 30), day(d, 16, 30)));
    // Daytime at NEAR on 4 weekdays of week 2 (too close to home to be work).
    for (let d = 7; d < 11; d++) stays.push(stay('d', NEAR, day(d, 9), day(d, 15)));
    const [r] = detectHomeWork(stays, rome);
    expect(r).toEqual({ device: 'd', home: 'home', homeAt: [HOME.lat, HOME.lng], homeNights: 7, work: 'work', workAt: [WORK.lat, WORK.lng], workDays: 5, nightsSeen: 9, homeCellOnly: false, workCellOnly: false });
  });

  it('a place is cell-only when every stay at it was seen through cell events only', () => {
    const cellStay = (d: number, p: typeof HOME) => ({ ...stay('f', p, day(d, 21), day(d + 1, 6)), cellOnly: true });
    const stays = [0, 1, 2].map((d) => cellStay(d, HOME));
    expect(detectHomeWork(stays, utc)[0]).toMatchObject({ home: 'home', homeCellOnly: true });
    // One stay with a GPS fix at the place: its centre is a point, not a footprint.
    stays.push({ ...stay('f', HOME, day(3, 21), day(4, 6)), cellOnly: false });
    expect(detectHomeWork(stays, utc)[0]).toMatchObject({ home: 'home', homeCellOnly: false });
  });

  it('a short weekday visit (< 2 h of daytime) is not a work day', () => {
    const stays = [0, 1, 2].map((d) => stay('e', WORK, day(d, 9), day(d, 10, 30)));
    expect(detectHomeWork(stays, utc)[0]).toMatchObject({ work: null, workDays: 0 });
  });

  it('rejects a bad time zone naming the field', () => {
    expect(() => resolvePopulationConfig({ timeZone: 'Mars/Olympus' })).toThrow(/PopulationConfig.timeZone/);
  });
});

describe('minimum evidence as a share of the period', () => {
  it('a guest of 3 nights has a home over a week, none over 4 weeks (3 < ⌈0.25 × 28⌉)', () => {
    const cfg = resolvePopulationConfig();
    const stays = [0, 1, 2].map((d) => stay('g', HOME, day(d, 21), day(d + 1, 6)));
    expect(detectHomeWork(stays, cfg, undefined, 7)[0]).toMatchObject({ home: 'home', homeNights: 3 });
    expect(detectHomeWork(stays, cfg, undefined, 28)[0]).toMatchObject({ home: null });
  });
});
