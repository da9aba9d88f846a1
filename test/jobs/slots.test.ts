import { describe, expect, it } from 'vitest';
import { parseCron } from '../../src/jobs/schedule/cron-schedule.ts';
import { nextSlot, previousSlot, slotsBetween } from '../../src/jobs/schedule/slots.ts';
import { localToInstant } from '../../src/core/zoned-time.ts';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const isoAll = (xs: number[]) => xs.map((x) => iso(x));
const at = (s: string) => Date.parse(s);

describe('parseCron', () => {
  it('reads steps, ranges and names through node-cron', () => {
    const c = parseCron('1-59/15 * * * mon-fri');
    expect(c.minutes).toEqual([1, 16, 31, 46]);
    expect([...c.daysOfWeek]).toEqual([1, 2, 3, 4, 5]);
    expect([...parseCron('0 0 * * 7').daysOfWeek]).toEqual([0]);
  });
  it('refuses six fields, L/W/# and nonsense with the expression in the message', () => {
    expect(() => parseCron('0 * * * * *')).toThrow(/five cron fields/);
    expect(() => parseCron('0 0 L * *')).toThrow(/"0 0 L \* \*".*L, W or #/);
    expect(() => parseCron('61 * * * *')).toThrow(/"61 \* \* \* \*"/);
  });
});

describe('slots in UTC', () => {
  const every15 = parseCron('1-59/15 * * * *');
  it('every 15 minutes at :01', () => {
    expect(isoAll(slotsBetween(every15, at('2026-03-02T08:00Z'), at('2026-03-02T09:00Z'), 'UTC'))).toEqual([
      '2026-03-02T08:01:00.000Z', '2026-03-02T08:16:00.000Z', '2026-03-02T08:31:00.000Z', '2026-03-02T08:46:00.000Z',
    ]);
  });
  it('next is strictly after, previous is at or before', () => {
    expect(iso(nextSlot(every15, at('2026-03-02T08:01Z'), 'UTC'))).toBe('2026-03-02T08:16:00.000Z');
    expect(iso(previousSlot(every15, at('2026-03-02T08:01Z'), 'UTC'))).toBe('2026-03-02T08:01:00.000Z');
    expect(iso(previousSlot(every15, at('2026-03-02T08:00Z'), 'UTC'))).toBe('2026-03-02T07:46:00.000Z');
  });
  it('a schedule that does not fire within five years yields null', () => {
    // 29 February on a Monday: 2028 is a Tuesday, 2032 a Sunday.
    expect(nextSlot(parseCron('0 0 29 2 mon'), at('2026-01-01T00:00Z'), 'UTC')).toBeNull();
    expect(() => parseCron('0 0 30 2 *')).toThrow(/impossible day/);
  });
  it('day-of-month and day-of-week both must match (node-cron semantics)', () => {
    // Fridays the 13th of 2026: February, March, November.
    const fri13 = slotsBetween(parseCron('0 12 13 * fri'), at('2026-01-01T00:00Z'), at('2027-01-01T00:00Z'), 'UTC');
    expect(isoAll(fri13)).toEqual(['2026-02-13T12:00:00.000Z', '2026-03-13T12:00:00.000Z', '2026-11-13T12:00:00.000Z']);
  });
});

describe('slots in Asia/Shanghai (UTC+8, no DST)', () => {
  it('a daily 06:00 report fires at 22:00 UTC the day before', () => {
    const daily = parseCron('0 6 * * *');
    expect(isoAll(slotsBetween(daily, at('2026-03-01T00:00Z'), at('2026-03-03T00:00Z'), 'Asia/Shanghai'))).toEqual([
      '2026-03-01T22:00:00.000Z', '2026-03-02T22:00:00.000Z',
    ]);
  });
  it('midnight local is 16:00 UTC', () => {
    expect(iso(nextSlot(parseCron('0 0 * * *'), at('2026-06-01T00:00Z'), 'Asia/Shanghai'))).toBe('2026-06-01T16:00:00.000Z');
  });
});

describe('slots across Europe/Rome DST', () => {
  const daily0230 = parseCron('30 2 * * *');
  it('spring forward (2026-03-29, 02:00→03:00): a 02:30 daily job runs once, at 03:30 CEST', () => {
    const s = slotsBetween(daily0230, at('2026-03-27T12:00Z'), at('2026-03-31T12:00Z'), 'Europe/Rome');
    expect(isoAll(s)).toEqual([
      '2026-03-28T01:30:00.000Z', // 02:30 CET
      '2026-03-29T01:30:00.000Z', // 02:30 does not exist: 03:30 CEST
      '2026-03-30T00:30:00.000Z', // 02:30 CEST
      '2026-03-31T00:30:00.000Z',
    ]);
  });
  it('fall back (2026-10-25, 03:00→02:00): a 02:30 daily job runs once, at the first 02:30', () => {
    const s = slotsBetween(daily0230, at('2026-10-24T12:00Z'), at('2026-10-26T12:00Z'), 'Europe/Rome');
    expect(isoAll(s)).toEqual(['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']);
  });
  it('an hourly :30 job on the spring-forward day: the missing 02:30 merges into 03:30', () => {
    const s = slotsBetween(parseCron('30 * * * *'), at('2026-03-28T23:00Z'), at('2026-03-29T03:00Z'), 'Europe/Rome');
    // local 00:30, 01:30 (CET), 03:30, 04:30 (CEST)
    expect(isoAll(s)).toEqual(['2026-03-28T23:30:00.000Z', '2026-03-29T00:30:00.000Z', '2026-03-29T01:30:00.000Z', '2026-03-29T02:30:00.000Z']);
  });
  it('a 15-minute job on the fall-back night runs the repeated hour once (like node-cron)', () => {
    const s = slotsBetween(parseCron('*/15 * * * *'), at('2026-10-24T23:59Z'), at('2026-10-25T02:00Z'), 'Europe/Rome');
    // 02:00–02:45 CEST (00:00–00:45Z) then 03:00 CET (02:00Z): the second 02:xx pass has no slots
    expect(isoAll(s)).toEqual([
      '2026-10-25T00:00:00.000Z', '2026-10-25T00:15:00.000Z', '2026-10-25T00:30:00.000Z', '2026-10-25T00:45:00.000Z', '2026-10-25T02:00:00.000Z',
    ]);
  });
  it('previousSlot and nextSlot agree with slotsBetween across the gap', () => {
    expect(iso(nextSlot(daily0230, at('2026-03-28T12:00Z'), 'Europe/Rome'))).toBe('2026-03-29T01:30:00.000Z');
    expect(iso(previousSlot(daily0230, at('2026-03-29T12:00Z'), 'Europe/Rome'))).toBe('2026-03-29T01:30:00.000Z');
  });
  it('localToInstant: compatible disambiguation', () => {
    expect(iso(localToInstant(Date.UTC(2026, 9, 25, 2, 30), 'Europe/Rome'))).toBe('2026-10-25T00:30:00.000Z');
    expect(iso(localToInstant(Date.UTC(2026, 2, 29, 2, 30), 'Europe/Rome'))).toBe('2026-03-29T01:30:00.000Z');
    expect(iso(localToInstant(Date.UTC(2026, 2, 29, 12, 0), 'Europe/Rome'))).toBe('2026-03-29T10:00:00.000Z');
  });
});
