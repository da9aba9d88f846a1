import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Options of {@link writeSyntheticScenario}. */
export interface SyntheticOptions {
  seed: number;
  devices: number;
  events: number;
  /** Epoch ms of the first event. */
  start: number;
  /** Mean ms between events across all devices. */
  spacingMs: number;
  /** Max arrival disorder (ms). */
  jitterMs: number;
  /** One bad line every N lines (0 = none). */
  badEvery: number;
}

/**
 * A small random network scenario written independently of the simulator: a cell table with a
 * re-planned cell, mixed signalling and location records, some arrays, some out-of-order arrival and
 * bad lines of every class. Returns the file paths.
 */
export function writeSyntheticScenario(dir: string, o: SyntheticOptions): { events: string; cells: string; lines: number } {
  mkdirSync(dir, { recursive: true });
  let s = o.seed >>> 0 || 1;
  const r = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
  const cells = ['cell_id,lat,lon,site_id,azimuth_deg,range_m,valid_from,valid_to'];
  const nCells = 60;
  for (let i = 0; i < nCells; i++) {
    const lat = (45.44 + r() * 0.06).toFixed(5);
    const lon = (9.14 + r() * 0.1).toFixed(5);
    if (i === 0) {
      const mid = new Date(o.start + (o.events * o.spacingMs) / 2).toISOString();
      cells.push(`c0,${lat},${lon},s0,0,900,,${mid}`);
      cells.push(`c0,${(45.5 + r() * 0.01).toFixed(5)},${lon},s0b,0,900,${mid},`);
    } else cells.push(`c${i},${lat},${lon},s${i},${Math.floor(r() * 360)},900,,`);
  }
  const kinds = ['tau', 'call', 'sms', 'data', 'handover', 'paging', 'attach', 'detach', 'x2_setup'];
  const bad = [
    '{"ts": 17',
    '"just a string"',
    '{"ts":1772438400000,"imsi":"222010000000999","event":"tau"}',
    '{"ts":1772438400000,"cell":"c1","event":"tau"}',
    '{"ts":1772438400000,"imsi":"222010000000999","lat":"x","lon":9}',
    '{"ts":1772438400000,"imsi":"222010000000999","lat":91,"lon":9}',
    '{"ts":"noon","imsi":"222010000000999","cell":"c1","event":"tau"}',
    '{"ts":"1990-01-01T00:00:00Z","imsi":"222010000000999","cell":"c1","event":"tau"}',
    '{"ts":1772438400000,"imsi":"222010000000999","cell":"nowhere","event":"tau"}',
  ];
  const lines: string[] = [];
  for (let i = 0; i < o.events; i++) {
    const ts = Math.floor(o.start + i * o.spacingMs + r() * o.jitterMs);
    const imsi = '22201' + String(1_000_000_000 + Math.floor(r() * o.devices)).slice(-10);
    const rec = () =>
      r() < 0.15
        ? { ts: r() < 0.3 ? new Date(ts).toISOString() : ts, imsi, lat: +(45.44 + r() * 0.06).toFixed(6), lon: +(9.14 + r() * 0.1).toFixed(6), accuracy_m: Math.floor(r() * 50) }
        : { ts, imsi, cell: `c${Math.floor(r() * nCells)}`, event: kinds[Math.floor(r() * kinds.length)]! };
    lines.push(r() < 0.03 ? JSON.stringify([rec(), rec()]) : JSON.stringify(rec()));
    if (o.badEvery > 0 && i % o.badEvery === o.badEvery - 1) lines.push(bad[Math.floor(r() * bad.length)]!);
  }
  const events = join(dir, 'events.ndjson');
  const cellsPath = join(dir, 'cells.csv');
  writeFileSync(events, lines.join('\n') + '\n');
  writeFileSync(cellsPath, cells.join('\n') + '\n');
  return { events, cells: cellsPath, lines: lines.length };
}
