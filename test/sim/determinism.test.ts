import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { simulateLines } from '../../src/sim/simulate-lines.ts';
import { Simulation } from '../../src/sim/simulation.ts';
import { runSim, START } from './support/run-sim.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Runs `citypulse …` in-process; resolves with exit code and output. */
async function citypulse(...argv: string[]) {
  let stdout = '', stderr = '';
  const sink = (f: (s: string) => void) => new Writable({ write: (c, _e, cb) => (f(String(c)), cb()) });
  const code = await main(argv, {
    env: {},
    stdout: sink((s) => (stdout += s)),
    stderr: sink((s) => (stderr += s)),
    stdin: process.stdin,
    signal: new AbortController().signal,
  });
  return { code, stdout, stderr };
}

function files(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) out.set(join(e.parentPath, e.name).slice(dir.length), readFileSync(join(e.parentPath, e.name)));
  }
  return out;
}

describe('determinism', () => {
  it('same seed ⇒ identical lines and truth; another seed ⇒ different lines', () => {
    const a = runSim({ seed: 42, subscribers: 300, badRate: 0.01 });
    const b = runSim({ seed: 42, subscribers: 300, badRate: 0.01 });
    expect(b.lines).toEqual(a.lines);
    expect(b.truth.positions).toEqual(a.truth.positions);
    expect(b.truth.trips).toEqual(a.truth.trips);
    expect([...b.truth.badLines]).toEqual([...a.truth.badLines]);
    const c = [...simulateLines({ seed: 43, subscribers: 300, start: START })];
    expect(c.slice(0, 100)).not.toEqual(a.lines.slice(0, 100));
  });

  it('a Simulation can be run again with the same result', () => {
    const sim = new Simulation({ seed: 2, subscribers: 100, start: START });
    const first = [...sim.lines()];
    expect([...sim.lines()]).toEqual(first);
    expect(sim.stats.lines).toBe(first.length);
  });
});

describe('citypulse simulate', () => {
  it('writes byte-identical output for the same seed', async () => {
    const args = ['--subscribers', '150', '--start', '2026-03-02T00:00:00Z', '--bad-rate', '0.02', '--window', '30m'];
    const outs = [0, 1].map(() => {
      const d = mkdtempSync(join(tmpdir(), 'citypulse-sim-'));
      dirs.push(d);
      return d;
    });
    for (const out of outs) {
      const r = await citypulse('simulate', '--out', out, ...args);
      expect(r.stderr).toContain('simulate');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/\d+ lines .* 150 devices/);
    }
    const [a, b] = outs.map(files);
    expect([...a!.keys()].sort()).toEqual(
      ['/cells.csv', '/events.ndjson', '/truth/bad_lines.csv', '/truth/days.csv', '/truth/homes.csv', '/truth/od-zones.csv', '/truth/positions.csv', '/truth/scenarios.json', '/truth/trips.csv', '/truth/visitors.csv', '/zones.geojson'],
    );
    for (const [name, bytes] of a!) expect(bytes.equals(b!.get(name)!), name).toBe(true);
    const positions = a!.get('/truth/positions.csv')!.toString().split('\n');
    expect(positions[0]).toBe('window_start,imsi,h3');
    expect(positions[1]).toMatch(/^2026-03-02T00:00:00.000Z,22201\d{10},89[0-9a-f]{13}$/);
    expect(new Set(positions.slice(1, -1).map((l) => l.slice(0, 24))).size).toBe(48);
    expect(a!.get('/truth/bad_lines.csv')!.toString()).toMatch(/^line,reason\n\d+,[a-z_]+\n/);
    expect(a!.get('/truth/trips.csv')!.toString()).toMatch(/^imsi,depart_ts,arrive_ts,from_zone,to_zone,mode\n22201/);
    expect(a!.get('/truth/homes.csv')!.toString()).toMatch(/^imsi,kind,mcc,country,home_zone,work_zone\n22201\d{10},resident,222,,/);
    expect(a!.get('/truth/days.csv')!.toString()).toMatch(/^day,zone,residents,workers,visitors\n2026-03-02,[^,]+,\d+,\d+,\d+\n/);
  });

  it('explains every flag in --help, and rejects bad ones', async () => {
    const help = await citypulse('simulate', '--help');
    expect(help.code).toBe(0);
    for (const flag of ['--out', '--subscribers', '--days', '--seed', '--start', '--zones', '--bad-rate', '--fix-rate', '--window']) {
      expect(help.stdout).toContain(flag);
    }
    expect((await citypulse('simulate')).code).toBe(2);
    const bad = await citypulse('simulate', '--out', '/tmp/x', '--subscribers', 'many');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--subscribers');
    expect((await citypulse('simulate', '--out', '/tmp/x', '--bad-rate', '3')).stderr).toContain('--bad-rate');
  });
});
