import { describe, expect, it } from 'vitest';
import { cellToLatLng } from 'h3-js';
import { distanceM } from '../../src/mobility/engine/distance-m.ts';
import { newDeviceTrack, pushPoint } from '../../src/mobility/engine/device-track.ts';
import { DEFAULT_MOBILITY_CONFIG } from '../../src/mobility/engine/mobility-config.ts';
import { at, cellAt, events, H, M, min, runConsumer, T0 } from './track-helpers.ts';

const A = cellAt(0), C = cellAt(8);

describe('stays and trips, hand-computed', () => {
  it('the helper cells are where the cases assume', () => {
    const d = (a: string, b: string) => distanceM(...cellToLatLng(a), ...cellToLatLng(b));
    expect(d(A, cellAt(1.5))).toBeGreaterThan(1100);
    expect(d(A, cellAt(1.5))).toBeLessThan(1700);
    expect(d(A, C)).toBeGreaterThan(7500);
  });

  it('home → handovers on the way → work: one trip, departure = first event outside, arrival = start of the stay', () => {
    const r = runConsumer(events('d1', [
      ['07:00', A], ['07:20', A], ['07:40', A], ['08:00', A],
      ['08:05', cellAt(2), 'handover'], ['08:10', cellAt(4), 'handover'], ['08:15', cellAt(6), 'handover'],
      ['08:20', C, 'handover'], ['08:30', C, 'data'], ['09:00', C], ['09:30', C],
    ]));
    expect(r.stays.map((s) => [min(s.start), min(s.end), s.endReason, s.events, s.source])).toEqual([
      [7 * 60, 8 * 60 + 5, 'departure', 4, 'cell'],
      [8 * 60 + 20, 9 * 60 + 30, 'open', 4, 'cell'],
    ]);
    expect(r.trips).toHaveLength(1);
    const t = r.trips[0]!;
    expect([min(t.departTs), min(t.arriveTs), t.departUncertaintyMs / M]).toEqual([8 * 60 + 5, 8 * 60 + 20, 5]);
    expect(t.origin).toBe(r.stays[0]!.h3);
    expect(t.destination).toBe(r.stays[1]!.h3);
    expect(t.distanceM).toBeGreaterThan(7500);
    expect(t.distanceM).toBeLessThan(8500);
    expect(r.od).toEqual([{ hour: T0 + 8 * H, origin: t.origin, destination: t.destination, trips: 1 }]);
  });

  it('ping-pong at a border (A-B-A, and among three cells within 10 min) is never movement', () => {
    const B = cellAt(1.5), B2 = cellAt(0.8, 1.3);
    const r = runConsumer(events('d1', [
      ['10:00', A], ['10:02', B, 'handover'], ['10:03', A, 'handover'],
      ['10:30', B, 'handover'], ['10:31', B, 'data'], ['10:35', A, 'handover'],
      ['11:00', B, 'handover'], ['11:02', B2, 'handover'], ['11:06', A, 'handover'],
      ['11:50', A], ['12:40', A],
    ]));
    expect(r.trips).toEqual([]);
    expect(r.stays.map((s) => [min(s.start), min(s.end), s.events, s.oscillations])).toEqual([[600, 760, 11, 5]]);
  });

  it('a single impossible jump far away that comes straight back is filtered (speed rule)', () => {
    const r = runConsumer(events('d1', [['10:00', A], ['10:20', A], ['10:21', C, 'handover'], ['10:22', A, 'handover'], ['11:00', A]]));
    expect(r.trips).toEqual([]);
    expect(r.stays.map((s) => s.oscillations)).toEqual([1]);
  });

  it('a real excursion to a neighbouring cell that lasts beyond the oscillation window is a departure', () => {
    const B = cellAt(2.5);
    const r = runConsumer(events('d1', [['10:00', A], ['10:30', A], ['10:40', B, 'handover'], ['10:50', B, 'data'], ['11:10', B], ['11:40', B]]));
    expect(r.stays.map((s) => [min(s.start), min(s.end), s.endReason])).toEqual([[600, 640, 'departure'], [640, 700, 'open']]);
    expect(r.trips.map((t) => [min(t.departTs), min(t.arriveTs)])).toEqual([[640, 640]]);
  });

  it('a gap of up to two TAU intervals at the same place is bridged', () => {
    const r = runConsumer(events('d1', [['10:00', A], ['11:40', A], ['12:00', A]]));
    expect(r.stays.map((s) => [min(s.start), min(s.end), s.endReason])).toEqual([[600, 720, 'open']]);
  });

  it('a longer silence ends the stay as unknown; back at the same place: a new stay, no trip', () => {
    const r = runConsumer(events('d1', [['10:00', A], ['10:30', A], ['12:30', A], ['12:50', A]]));
    expect(r.stays.map((s) => [min(s.start), min(s.end), s.endReason])).toEqual([[600, 630, 'silence'], [750, 770, 'open']]);
    expect(r.trips).toEqual([]);
  });

  it('after a long silence elsewhere: a trip whose departure is the first event seen again, with its uncertainty', () => {
    const r = runConsumer(events('d1', [['10:00', A], ['10:30', A], ['12:30', C], ['12:50', C]]));
    expect(r.stays.map((s) => [min(s.start), min(s.end), s.endReason])).toEqual([[600, 630, 'silence'], [750, 770, 'open']]);
    expect(r.trips.map((t) => [min(t.departTs), min(t.arriveTs), t.departUncertaintyMs / M])).toEqual([[750, 750, 120]]);
  });

  it('GPS and cell events mixed: 1 km radius while cells are involved, 200 m and 20 min for GPS only', () => {
    const r = runConsumer(events('d1', [
      ['07:00', A], ['07:15', A, 'fix'], ['07:30', A],
      ['08:00', cellAt(0.4), 'fix'], ['08:02', cellAt(1.6), 'fix'], ['08:04', cellAt(2.8), 'fix'],
      ['08:06', cellAt(4.0), 'fix'], ['08:08', cellAt(5.2), 'fix'], ['08:10', cellAt(6), 'fix'],
      ['08:15', cellAt(6), 'fix'], ['08:20', cellAt(6), 'fix'], ['08:25', cellAt(6), 'fix'], ['08:29', cellAt(6), 'fix'],
    ]));
    // At work only 19 min of fixes: not yet a GPS stay (20 min), so the open candidate is dropped.
    expect(r.stays.map((s) => [min(s.start), min(s.end), s.source])).toEqual([[420, 482, 'mixed']]);
    expect(r.trips).toEqual([]);
    const r2 = runConsumer(events('d1', [
      ['07:00', A], ['07:15', A, 'fix'], ['07:30', A],
      ['08:00', cellAt(0.4), 'fix'], ['08:02', cellAt(1.6), 'fix'], ['08:04', cellAt(2.8), 'fix'],
      ['08:06', cellAt(4.0), 'fix'], ['08:08', cellAt(5.2), 'fix'], ['08:10', cellAt(6), 'fix'],
      ['08:15', cellAt(6), 'fix'], ['08:20', cellAt(6), 'fix'], ['08:25', cellAt(6), 'fix'], ['08:30', cellAt(6), 'fix'],
      ['08:31', cellAt(7), 'fix'], ['08:33', cellAt(8), 'fix'],
    ]));
    expect(r2.stays.map((s) => [min(s.start), min(s.end), s.source, s.endReason])).toEqual([
      [420, 482, 'mixed', 'departure'],
      [490, 511, 'gps', 'departure'],
    ]);
    expect(r2.trips.map((t) => [min(t.departTs), min(t.arriveTs)])).toEqual([[482, 490]]);
  });

  it('a cell-only stay whose first fixes come 1.25 km from its cell centre stays one stay (crossRadiusM), 2.5 km is a trip', () => {
    const near = cellAt(1.3), far = cellAt(2.6);
    const d = (a: string, b: string) => distanceM(...cellToLatLng(a), ...cellToLatLng(b));
    expect(d(A, near)).toBeGreaterThan(DEFAULT_MOBILITY_CONFIG.cellRadiusM);
    expect(d(A, near)).toBeLessThan(DEFAULT_MOBILITY_CONFIG.crossRadiusM);
    expect(d(A, far)).toBeGreaterThan(DEFAULT_MOBILITY_CONFIG.crossRadiusM);
    // The phone never moves: cell events at its serving sector from 00:09, its first fixes (at the
    // phone, 1.25 km from the sector) from 00:40. This made a zero-length phantom trip at 1 km.
    const still = (fixAt: string) => events('d1', [
      ['00:09', A], ['00:20', A], ['00:32', A],
      ['00:40', fixAt, 'fix'], ['00:55', fixAt, 'fix'], ['01:10', A], ['01:25', fixAt, 'fix'], ['01:40', fixAt, 'fix'], ['02:00', fixAt, 'fix'],
    ]);
    const r = runConsumer(still(near));
    expect(r.stays.map((s) => [min(s.start), min(s.end), s.source, s.events])).toEqual([[9, 120, 'mixed', 9]]);
    expect(r.trips).toEqual([]);
    // Fixes beyond crossRadiusM are elsewhere: the cell-only stay ends at the first of them.
    const moved = runConsumer(events('d1', [
      ['00:09', A], ['00:20', A], ['00:32', A],
      ['00:40', far, 'fix'], ['00:55', far, 'fix'], ['01:10', far, 'fix'], ['01:25', far, 'fix'],
    ]));
    expect(moved.stays.map((s) => [min(s.start), min(s.end), s.source, s.endReason])).toEqual([
      [9, 40, 'cell', 'departure'],
      [40, 85, 'gps', 'open'],
    ]);
    expect(moved.trips.map((t) => [min(t.departTs), min(t.arriveTs)])).toEqual([[40, 40]]);
  });

  it('a trip crossing midnight counts in the departure hour of the first day', () => {
    const r = runConsumer(events('d1', [
      ['22:00', A], ['22:50', A], ['23:40', A], ['23:50', cellAt(2), 'handover'], ['23:55', cellAt(4), 'handover'], ['d+1 00:00', cellAt(6), 'handover'], ['d+1 00:05', C, 'handover'],
      ['d+1 00:30', C], ['d+1 01:00', C],
    ]));
    expect(r.trips.map((t) => [min(t.departTs), min(t.arriveTs)])).toEqual([[23 * 60 + 50, 24 * 60 + 5]]);
    expect(r.od.map((o) => [new Date(o.hour).toISOString(), o.trips])).toEqual([['2026-03-02T23:00:00.000Z', 1]]);
  });

  it('a detach ends the stay; the phone back on at home the next morning gives no trip', () => {
    const r = runConsumer(events('d1', [
      ['22:00', A], ['22:54', A], ['23:25', A, 'detach'], ['d+1 06:45', A, 'attach'], ['d+1 07:10', A], ['d+1 07:40', A],
    ]));
    expect(r.stays.map((s) => [min(s.start), min(s.end), s.endReason])).toEqual([[1320, 1405, 'detach'], [1845, 1900, 'open']]);
    expect(r.trips).toEqual([]);
  });

  it('late (out-of-order) events are ignored and counted', () => {
    const s = newDeviceTrack('d1');
    const out = { stays: [], trips: [] };
    const p = (t: string, h3: string) => ({ ts: at(t), h3, lat: cellToLatLng(h3)[0], lng: cellToLatLng(h3)[1], gps: false, detach: false });
    pushPoint(s, p('10:00', A), DEFAULT_MOBILITY_CONFIG, out);
    pushPoint(s, p('10:30', A), DEFAULT_MOBILITY_CONFIG, out);
    pushPoint(s, p('10:10', C), DEFAULT_MOBILITY_CONFIG, out);
    expect(s.outOfOrder).toBe(1);
    expect(s.exc).toEqual([]);
    expect(s.cand?.events).toBe(2);
  });

  it('an hour of OD is published only once the bound has passed', () => {
    const evs = events('d1', [['07:00', A], ['07:30', A], ['08:05', C, 'handover'], ['08:30', C]]);
    const r = runConsumer([...evs, ...events('d2', [['08:00', A], [8 * 60 + 5 * 60, A], [8 * 60 + 6 * 60, A], [8 * 60 + 7 * 60, A]])]);
    const odRec = r.records.findIndex((x) => x.table === 'od_h3_hourly');
    const stays2 = r.records.findIndex((x) => x.table === 'stays' && x.row.device === 'd2');
    expect(odRec).toBeGreaterThan(-1);
    // Published at 09:00 + 3 h + 1 h 48 + 10 min = 13:58, i.e. before d2's 15:00 stay ended (silence at 16:48+).
    expect(odRec).toBeLessThan(stays2);
  });
});
