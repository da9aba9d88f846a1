import { describe, expect, it } from 'vitest';
import type { Zone } from '../../src/sim/city/zone.ts';
import type { Subscriber } from '../../src/sim/people/subscriber.ts';
import { PopulationTruth } from '../../src/sim/truth/population-truth.ts';

const zones = ['A', 'B', 'C'].map((id) => ({ id })) as unknown as Zone[];
const sub = (imsi: string, home: number, work?: number, visit?: object) =>
  ({ imsi, home: { zone: home }, ...(work === undefined ? {} : { work: { zone: work } }), ...(visit ? { visit } : {}) }) as unknown as Subscriber;
const at = (day: number, h: number) => Date.UTC(2026, 2, 2 + day, h);

describe('population truth per day (days.csv)', () => {
  it('counts residents at home, workers at work and visitors elsewhere, once per zone and UTC day (hand-computed)', () => {
    const t = new PopulationTruth([sub('r1', 0, 1), sub('r2', 1), sub('v1', 0, undefined, { kind: 'day_visitor' })], zones);
    // r1: home A, work B. Day 0: A at night and again in the evening (one count), B at work, C after work; day 1: A.
    t.visit({ imsi: 'r1', zone: 'A', start: at(0, 0), end: at(0, 7) });
    t.visit({ imsi: 'r1', zone: 'B', start: at(0, 9), end: at(0, 17) });
    t.visit({ imsi: 'r1', zone: 'C', start: at(0, 18), end: at(0, 19) });
    t.visit({ imsi: 'r1', zone: 'A', start: at(0, 22), end: at(1, 0) });
    t.visit({ imsi: 'r1', zone: 'A', start: at(1, 0), end: at(1, 7) });
    // r2: home B (no work), visits A on day 1. v1: a day visitor in A on day 0.
    t.visit({ imsi: 'r2', zone: 'B', start: at(0, 0), end: at(0, 8) });
    t.visit({ imsi: 'r2', zone: 'A', start: at(1, 12), end: at(1, 13) });
    t.visit({ imsi: 'v1', zone: 'A', start: at(0, 10), end: at(0, 12) });
    expect(t.daysCsv()).toBe([
      'day,zone,residents,workers,visitors',
      '2026-03-02,A,1,0,1',
      '2026-03-02,B,1,1,0',
      '2026-03-02,C,0,0,1',
      '2026-03-03,A,1,0,1',
      '',
    ].join('\n'));
  });
});
