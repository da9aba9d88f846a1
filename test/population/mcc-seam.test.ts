import { latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import type { LocatedEvent } from '../../schemas/events.ts';
import { CellTable } from '../../src/locate/cell-table.ts';
import { isDeadLetter, RecordLocator } from '../../src/locate/record-locator.ts';
import { createDeviceMccConsumer } from '../../src/population/plugin/create-device-mcc-consumer.ts';
import { Pseudonymiser } from '../../src/privacy/pseudonymiser.ts';
import { simulateLines } from '../../src/sim/simulate-lines.ts';
import { PopulationTruth } from '../../src/sim/truth/population-truth.ts';
import { Simulation } from '../../src/sim/simulation.ts';
import type { DeviceWindow } from '../../src/window/device-window.ts';
import { feedWindow } from '../../src/window/device-window.ts';
import { PresenceEngine } from '../../src/window/presence-engine.ts';

const M = 60_000;
const T0 = Date.UTC(2026, 2, 2, 8, 0);
const H3 = latLngToCell(45.46, 9.19, 9);

describe('the MCC on the device seam', () => {
  it('RecordLocator keeps the MCC, never the IMSI', () => {
    const loc = new RecordLocator({ cells: CellTable.fromCsv('cell_id,lat,lon\nc1,45.46,9.19\n'), pseudonymiser: new Pseudonymiser({ key: new TextEncoder().encode('0123456789abcdef0123') }) });
    const ev = loc.locate({ ts: T0, imsi: '208011234567890', cell: 'c1', event: 'attach' }, T0, 'test', '1', null);
    expect(isDeadLetter(ev)).toBe(false);
    expect((ev as LocatedEvent).mcc).toBe('208');
    expect(JSON.stringify(ev)).not.toContain('1234567890');
    const odd = loc.locate({ ts: T0, imsi: 'x1', cell: 'c1', event: 'attach' }, T0, 'test', '2', null) as LocatedEvent;
    expect(odd.mcc).toBeUndefined();
  });

  it('PresenceEngine hands it on as DeviceWindow.mcc, across a snapshot/restore', () => {
    const got: DeviceWindow[] = [];
    const cfg = { windowMs: 15 * M, latenessMs: 0, presenceTimeoutMs: 60 * M, resolution: 9, onDeviceWindows: (_s: number, _e: number, d: DeviceWindow[]) => got.push(...d) };
    let e = new PresenceEngine(cfg);
    e.add({ ts: T0, device: 'a', h3: H3, kind: 'attach', mcc: '208' });
    e.add({ ts: T0 + M, device: 'b', h3: H3, kind: 'attach' });
    const snap = JSON.parse(JSON.stringify(e.snapshot()));
    e = new PresenceEngine(cfg);
    e.restore(snap);
    e.add({ ts: T0 + 20 * M, device: 'a', h3: H3, kind: 'tau' });
    e.advance(T0 + 40 * M);
    const first = got.filter((w) => w.windowStart === T0);
    expect(first.find((w) => w.device === 'a')!.mcc).toBe('208');
    expect('mcc' in first.find((w) => w.device === 'b')!).toBe(false);
    expect(got.filter((w) => w.windowStart === T0 + 15 * M && w.device === 'a')[0]!.mcc).toBe('208');
  });

  it('the device-mcc consumer emits each device once per UTC day it is seen (last_seen for retention)', () => {
    const c = createDeviceMccConsumer()();
    const w = (device: string, mcc?: string): DeviceWindow => ({ device, windowStart: T0, windowEnd: T0 + 15 * M, dominant: null, dwell: [], events: [], ...(mcc ? { mcc } : {}) });
    expect(feedWindow(c, T0, T0 + 15 * M, [w('a', '208'), w('b')])).toEqual([{ device: 'a', mcc: '208', seen: T0 + 15 * M }]);
    expect(feedWindow(c, T0 + 15 * M, T0 + 30 * M, [w('a', '208'), w('c', '222')])).toEqual([{ device: 'c', mcc: '222', seen: T0 + 30 * M }]);
    const D = 86_400_000;
    expect(feedWindow(c, T0 + D, T0 + D + 15 * M, [w('a', '208')])).toEqual([{ device: 'a', mcc: '208', seen: T0 + D + 15 * M }]);
  });
});

describe('simulated visitors', () => {
  const cfg = { seed: 4, subscribers: 60, visitors: 40, days: 3, nightsAwayRate: 0.1, scenarios: [] };

  it('same seed → same bytes; residents unchanged by adding visitors', () => {
    const a = [...simulateLines(cfg)].join('\n');
    expect([...simulateLines(cfg)].join('\n')).toBe(a);
    const sim = new Simulation(cfg);
    const residents = new Simulation({ ...cfg, visitors: 0 }).subscribers;
    expect(sim.subscribers.slice(0, 60).map((s) => s.imsi)).toEqual(residents.map((s) => s.imsi));
  });

  it('visitors: unique IMSIs, foreign MCCs for roamers, a visit inside the period, truth files', () => {
    const sim = new Simulation(cfg);
    const v = sim.subscribers.slice(60);
    expect(new Set(sim.subscribers.map((s) => s.imsi)).size).toBe(100);
    for (const s of v) {
      expect(s.visit!.arriveDay + s.visit!.nights).toBeLessThan(3);
      expect(s.imsi.startsWith('222')).toBe(s.visit!.kind !== 'roamer');
    }
    expect(v.some((s) => s.visit!.kind === 'roamer')).toBe(true);
    const truth = new PopulationTruth(sim.subscribers, sim.city.zones);
    const lines = [...sim.lines({ visit: (x) => truth.visit(x) })];
    // A roamer's records are present, and only on the days of its visit.
    const roamer = v.find((s) => s.visit!.kind === 'roamer')!;
    const days = new Set(lines.filter((l) => l.includes(roamer.imsi)).map((l) => {
      const ts = JSON.parse(l.startsWith('[') ? l : `[${l}]`)[0].ts;
      return Math.floor(((typeof ts === 'number' ? ts : Date.parse(ts)) - Date.UTC(2026, 2, 2)) / 86_400_000);
    }));
    for (const d of days) expect(d >= roamer.visit!.arriveDay && d <= roamer.visit!.arriveDay + roamer.visit!.nights).toBe(true);
    expect(truth.homesCsv().split('\n')[0]).toBe('imsi,kind,mcc,country,home_zone,work_zone');
    expect(truth.homesCsv().trim().split('\n')).toHaveLength(101);
    expect(truth.visitorsCsv()).toMatch(new RegExp(`,${roamer.visit!.country},\\d+`));
  });
});
