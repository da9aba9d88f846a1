import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { cellToParent, latLngToCell } from 'h3-js';
import { afterAll, describe, expect, it } from 'vitest';
import { CellTable } from '../../src/locate/cell-table.ts';
import { Pseudonymiser } from '../../src/privacy/pseudonymiser.ts';
import { validateRecord } from '../../src/ingest/validate.ts';
import { cli } from '../support/cli.ts';
import { referencePresence, splitLate, type RefEvent } from '../support/reference-presence.ts';
import { writeSyntheticScenario } from '../support/synthetic.ts';

const dir = mkdtempSync(join(tmpdir(), 'citypulse-e2e-'));
const KEY = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function readPresence(db: string) {
  const inst = await DuckDBInstance.create(db, { access_mode: 'READ_ONLY' });
  const c = await inst.connect();
  try {
    const rows = (await c.runAndReadAll('SELECT epoch_ms(window_start), h3, present, active, events FROM presence ORDER BY 1, 2')).getRowsJS() as [bigint, bigint, number, number, number][];
    const dead = (await c.runAndReadAll('SELECT position, reason FROM dead_letters')).getRowsJS() as [string, string][];
    const late = Number((await c.runAndReadAll('SELECT count(*) FROM late_events')).getRowsJS()[0]![0]);
    return { rows: rows.map(([ws, h3, present, active, events]) => ({ windowStart: Number(ws), h3: h3.toString(16), present, active, events })), dead, late };
  } finally {
    c.closeSync();
    inst.closeSync();
  }
}

describe('citypulse ingest equals an independent recomputation of the presence semantics', () => {
  for (const [name, opts] of [
    ['in-order stream, bad lines', { seed: 11, devices: 300, events: 12_000, spacingMs: 900, jitterMs: 2_000, badEvery: 97 }],
    ['heavy disorder beyond the lateness (late events)', { seed: 12, devices: 150, events: 8_000, spacingMs: 1_500, jitterMs: 9 * 60_000, badEvery: 0 }],
    ['sparse devices, long gaps (timeouts)', { seed: 13, devices: 2_000, events: 6_000, spacingMs: 4_000, jitterMs: 30_000, badEvery: 250 }],
  ] as const) {
    it(name, async () => {
      const sdir = join(dir, `s${opts.seed}`);
      const sc = writeSyntheticScenario(sdir, { ...opts, start: Date.UTC(2026, 1, 10, 6, 0) });
      const db = join(sdir, 'out.duckdb');
      const r = await cli(['ingest', '--from', sc.events, '--cells', sc.cells, '--db', db], { CITYPULSE_KEY: KEY });
      expect(r.code, r.stderr).toBe(0);
      const got = await readPresence(db);

      // Reference: decode + validate each line, locate with the cell table, then the brute-force semantics.
      const cells = CellTable.fromCsv(readFileSync(sc.cells, 'utf8'), 9);
      const pseudo = new Pseudonymiser({ key: Buffer.from(KEY, 'hex') });
      const events: RefEvent[] = [];
      let badRecords = 0;
      readFileSync(sc.events, 'utf8').split('\n').filter((l) => l !== '').forEach((line) => {
        let v: unknown;
        try {
          v = JSON.parse(line);
        } catch {
          badRecords++;
          return;
        }
        for (const rec of Array.isArray(v) ? v : [v]) {
          const ok = validateRecord(rec, Date.now());
          if ('reason' in ok) {
            badRecords++;
            continue;
          }
          const h3 = ok.kind === 'signalling' ? cells.locate(ok.cell, ok.ts) : latLngToCell(ok.lat, ok.lon, 9);
          if (h3 === 'unknown' || h3 === 'not_valid') {
            badRecords++;
            continue;
          }
          events.push({ ts: ok.ts, device: pseudo.pseudonym(ok.imsi), h3, kind: ok.kind === 'signalling' ? ok.event : 'fix' });
        }
      });
      const { accepted, late } = splitLate(events, 15 * 60_000, 5 * 60_000);
      const ref = referencePresence(accepted, 15 * 60_000, 60 * 60_000);
      expect(got.rows.length).toBe(ref.length);
      expect(got.rows).toEqual(ref);
      expect(got.late).toBe(late.length);
      expect(got.dead.length).toBe(badRecords);
      if (opts.badEvery > 0) expect(badRecords).toBeGreaterThan(0);
      if (opts.jitterMs > 5 * 60_000) expect(late.length).toBeGreaterThan(0);
    }, 120_000);
  }
});

describe('simulator → ingest, checked against the simulator ground truth', () => {
  it('planted bad lines are dead letters with their reason; devices present per window match the true population within 3 %; ≥ 80 % placed in the right res-7 hexagon', async () => {
    const sdir = join(dir, 'sim');
    const s = await cli(['simulate', '--out', sdir, '--subscribers', '3000', '--seed', '5', '--bad-rate', '0.002']);
    expect(s.code, s.stderr).toBe(0);
    const db = join(sdir, 'cp.duckdb');
    const r = await cli(['ingest', '--from', join(sdir, 'events.ndjson'), '--cells', join(sdir, 'cells.csv'), '--db', db], { CITYPULSE_KEY: KEY });
    expect(r.code, r.stderr).toBe(0);
    const got = await readPresence(db);

    // every planted bad line is a dead letter with the planted reason
    const bad = readFileSync(join(sdir, 'truth', 'bad_lines.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    expect(bad.length).toBeGreaterThan(10);
    const deadByLine = new Map(got.dead.map(([pos, reason]) => [pos.replace(/^line (\d+).*$/, '$1'), reason]));
    for (const [line, reason] of bad) expect(deadByLine.get(line!), `line ${line}`).toBe(reason);

    // truth: devices with a true position per window, and per res-7 parent
    const truthTotal = new Map<number, number>();
    const truthR7 = new Map<string, number>();
    for (const l of readFileSync(join(sdir, 'truth', 'positions.csv'), 'utf8').trim().split('\n').slice(1)) {
      const [ws, , h3] = l.split(',');
      const t = Date.parse(ws!);
      truthTotal.set(t, (truthTotal.get(t) ?? 0) + 1);
      const k = `${t}|${cellToParent(h3!, 7)}`;
      truthR7.set(k, (truthR7.get(k) ?? 0) + 1);
    }
    const estTotal = new Map<number, number>();
    const estR7 = new Map<string, number>();
    for (const row of got.rows) {
      estTotal.set(row.windowStart, (estTotal.get(row.windowStart) ?? 0) + row.present);
      const k = `${row.windowStart}|${cellToParent(row.h3, 7)}`;
      estR7.set(k, (estR7.get(k) ?? 0) + row.present);
    }
    // Totals: within 3 % in every window of the simulated day (phones that are on are seen).
    let windows = 0;
    const warmUp = Date.parse('2026-03-02T01:00:00Z'); // devices report within one TAU period of the start
    for (const [t, n] of truthTotal) {
      if (n < 100 || t < warmUp) continue;
      windows++;
      expect(Math.abs((estTotal.get(t) ?? 0) - n) / n, new Date(t).toISOString()).toBeLessThan(0.03);
    }
    expect(windows).toBeGreaterThan(85);
    // Spatial accuracy at res 7 (~5 km²): most devices are placed in the right hexagon.
    let agree = 0;
    let total = 0;
    for (const [k, n] of truthR7) {
      agree += Math.min(n, estR7.get(k) ?? 0);
      total += n;
    }
    expect(agree / total).toBeGreaterThan(0.8);
  }, 240_000);
});
