import { beforeAll, describe, expect, it } from 'vitest';
import { byImsi, H, haversine, median, MIN, type Parsed, parseRecords, runSim, START } from './support/run-sim.ts';

let run: ReturnType<typeof runSim>;
let devices: Map<string, Parsed[]>;

beforeAll(() => {
  // Ping-pong off: these cases check the nearest-cell model; ping-pong has its own case below.
  run = runSim({ seed: 5, subscribers: 1_500, pingPongPerHour: 0 });
  const signalling = parseRecords(run.lines).filter((p) => 'cell' in p.rec);
  devices = byImsi(signalling);
  for (const list of devices.values()) list.sort((a, b) => a.ts - b.ts);
});

const at = (h: number) => START + h * H;

describe('network behaviour', () => {
  it('sends a periodic TAU every ~54 minutes of silence', () => {
    const idleGaps: number[] = [];
    for (const list of devices.values()) {
      for (let i = 1; i < list.length; i++) {
        const a = list[i - 1]!, b = list[i]!;
        if (a.ts >= at(1) && b.ts < at(5) && b.rec.event === 'tau') idleGaps.push(b.ts - a.ts);
      }
    }
    expect(idleGaps.length).toBeGreaterThan(1_000);
    expect(median(idleGaps) / MIN).toBeGreaterThan(53.5);
    expect(median(idleGaps) / MIN).toBeLessThan(55);
  });

  it('never leaves an attached device silent for longer than the TAU timer', () => {
    let worst = 0;
    for (const list of devices.values()) {
      for (let i = 1; i < list.length; i++) {
        if (list[i - 1]!.rec.event === 'detach') continue;
        worst = Math.max(worst, list[i]!.ts - list[i - 1]!.ts);
      }
    }
    expect(worst).toBeLessThanOrEqual(54 * MIN + 5_000);
  });

  it('hands over while moving, and not while everyone sleeps', () => {
    const handovers = (imsi: string, from: number, to: number) =>
      (devices.get(imsi) ?? []).filter((p) => p.rec.event === 'handover' && p.ts >= from && p.ts <= to);
    const long = run.truth.trips.filter((t) => t.mode !== 'walk' && t.arriveTs - t.departTs > 15 * MIN);
    expect(long.length).toBeGreaterThan(100);
    const withHandover = long.filter((t) => handovers(t.imsi, t.departTs, t.arriveTs).length > 0);
    expect(withHandover.length / long.length).toBeGreaterThan(0.9);
    const night = [...devices.keys()].flatMap((imsi) => handovers(imsi, at(2), at(4.5)));
    expect(night).toEqual([]);
  });

  it('serves each device from a nearby cell', () => {
    const sites = new Map(run.sim.city.cells.map((c) => [c.cellId, c]));
    const { frame } = run.sim.city;
    let checked = 0;
    for (const sub of run.sim.subscribers.slice(0, 300)) {
      const home = { lat: frame.lat(sub.home.y), lon: frame.lon(sub.home.x) };
      for (const p of devices.get(sub.imsi) ?? []) {
        if (p.ts < at(1) || p.ts > at(4)) continue; // at home
        const c = sites.get(p.rec.cell as string)!;
        expect(haversine(home.lat, home.lon, c.lat, c.lon)).toBeLessThanOrEqual(c.rangeM!);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(300);
  });

  it('detaches some phones at night; a detached phone is silent until it attaches in the morning', () => {
    let detached = 0;
    for (const list of devices.values()) {
      list.forEach((p, i) => {
        if (p.rec.event === 'attach') {
          expect(p.ts).toBeGreaterThan(at(4));
          expect(p.ts).toBeLessThan(at(11));
        }
        if (p.rec.event !== 'detach') return;
        detached++;
        expect(p.ts).toBeGreaterThan(at(21));
        if (i + 1 < list.length) expect(list[i + 1]!.rec.event).toBe('attach');
      });
      // Night-off phones start the run switched off: their first word is an attach.
    }
    const nightOff = run.sim.subscribers.filter((s) => s.nightOff);
    expect(nightOff.length / run.sim.subscribers.length).toBeGreaterThan(0.03);
    expect(nightOff.length / run.sim.subscribers.length).toBeLessThan(0.07);
    expect(detached).toBeGreaterThan(nightOff.length * 0.7);
    for (const s of nightOff) expect(devices.get(s.imsi)![0]!.rec.event).toBe('attach');
  });

  it('has busy days and quiet nights', () => {
    const count = (from: number, to: number, kinds: string[]) =>
      [...devices.values()].flat().filter((p) => p.ts >= at(from) && p.ts < at(to) && kinds.includes(p.rec.event as string)).length;
    const active = ['call', 'sms', 'data'];
    expect(count(12, 14, active)).toBeGreaterThan(5 * count(2, 4, active));
    expect(count(0, 24, ['paging'])).toBeGreaterThan(0);
  });
});

describe('several days', () => {
  it('carries devices across midnight: steady TAU, night-off phones back on each morning, a quieter weekend', () => {
    // Friday to Sunday.
    const r = runSim({ seed: 6, subscribers: 400, days: 3, start: START + 4 * 24 * H });
    const list = byImsi(parseRecords(r.lines).filter((p) => 'cell' in p.rec));
    let worst = 0;
    for (const recs of list.values()) {
      recs.sort((a, b) => a.ts - b.ts);
      for (let i = 1; i < recs.length; i++) if (recs[i - 1]!.rec.event !== 'detach') worst = Math.max(worst, recs[i]!.ts - recs[i - 1]!.ts);
    }
    expect(worst).toBeLessThanOrEqual(54 * MIN + 5_000);
    const day0 = START + 4 * 24 * H;
    for (const s of r.sim.subscribers.filter((x) => x.nightOff)) {
      // Off the night before the run; then back on the morning after each night it went off.
      const day = (kind: string) => list.get(s.imsi)!.filter((p) => p.rec.event === kind).map((p) => Math.floor((p.ts - day0) / (24 * H)));
      expect(day('attach')).toEqual([0, ...day('detach').filter((d) => d < 2).map((d) => d + 1)]);
    }
    expect(new Set(r.truth.positions.map((p) => p.windowStart)).size).toBe(3 * 96);
    const commuters = (d: number) =>
      r.truth.trips.filter((t) => t.departTs >= day0 + d * 24 * H + 6 * H && t.departTs < day0 + d * 24 * H + 9 * H).length;
    expect(commuters(0)).toBeGreaterThan(2 * commuters(2)); // Friday vs Sunday mornings
  });
});

describe('ping-pong of stationary phones', () => {
  it('hands a sleeping phone over to a neighbouring site and back within 4 minutes, about 1.5 times an hour', () => {
    const r = runSim({ seed: 5, subscribers: 300 });
    const sites = new Map(r.sim.city.cells.map((c) => [c.cellId, c]));
    const devs = byImsi(parseRecords(r.lines).filter((p) => 'cell' in p.rec));
    let episodes = 0, hours = 0;
    for (const list of devs.values()) {
      list.sort((a, b) => a.ts - b.ts);
      const night = list.filter((p) => p.ts >= at(2) && p.ts <= at(4.5));
      if (night.length === 0) continue;
      hours += 2.5;
      // Every handover of a sleeping phone is half of an out-and-back pair: to a neighbouring site's
      // cell, then back to the cell it came from within 4 minutes.
      // (The first one may be the end of an episode that began before 02:00.)
      const from = list.indexOf(night[0]!);
      let first = true;
      for (let i = from; i < list.length && list[i]!.ts <= at(4.5) - 4 * MIN; i++) {
        const out = list[i]!;
        if (out.rec.event !== 'handover') continue;
        const before = list[i - 1]!, back = list.slice(i + 1).find((p) => p.rec.event === 'handover');
        const paired = back !== undefined && back.rec.cell === before.rec.cell && back.ts - out.ts <= 4 * MIN;
        if (first && !paired) {
          first = false;
          continue;
        }
        first = false;
        expect(back?.rec.cell).toBe(before.rec.cell);
        expect(back!.ts - out.ts).toBeLessThanOrEqual(4 * MIN);
        const a = sites.get(before.rec.cell as string)!, b = sites.get(out.rec.cell as string)!;
        expect(a.siteId).not.toBe(b.siteId);
        expect(haversine(a.lat, a.lon, b.lat, b.lon)).toBeLessThan(5_000);
        episodes++;
        i = list.indexOf(back!);
      }
    }
    const rate = episodes / hours;
    expect(rate).toBeGreaterThan(0.7);
    expect(rate).toBeLessThan(2.2);
  });
});
