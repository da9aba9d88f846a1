import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { cellToBoundary, latLngToCell } from 'h3-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/outputs/duckdb/open.ts';
import { main } from '../../src/cli/main.ts';

/** Runs `citypulse ...argv` in-process; resolves to the exit code and what it wrote. */
async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = new PassThrough(), err = new PassThrough();
  const chunks = { out: [] as Buffer[], err: [] as Buffer[] };
  out.on('data', (c: Buffer) => chunks.out.push(c));
  err.on('data', (c: Buffer) => chunks.err.push(c));
  const code = await main(argv, { env: {}, stdout: out, stderr: err, stdin: Readable.from(['']), signal: new AbortController().signal });
  return { code, stdout: Buffer.concat(chunks.out).toString(), stderr: Buffer.concat(chunks.err).toString() };
}

const START = Date.UTC(2026, 2, 2);
const DAYS = 9;
const INSIDE = latLngToCell(45.4641, 9.1919, 9);
const OUTSIDE = latLngToCell(45.48, 9.22, 9);

/** occupancy of the watched cell in window i: a daily wave between 30 and 90 devices. */
const wave = (i: number) => Math.round(60 + 30 * Math.sin((2 * Math.PI * i) / 288));

describe('citypulse forecast', () => {
  let dir: string, db: string, areas: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'citypulse-forecast-'));
    db = join(dir, 'cp.duckdb');
    areas = join(dir, 'areas.geojson');
    const ring = cellToBoundary(INSIDE, true);
    writeFileSync(areas, JSON.stringify({
      type: 'FeatureCollection',
      features: [{ type: 'Feature', geometry: { type: 'Polygon', coordinates: [ring] }, properties: { id: 'square', name: 'Square', capacity: 500 } }],
    }));
    const d = await openDatabase(db);
    try {
      const n = DAYS * 288;
      const start = `TIMESTAMPTZ '${new Date(START).toISOString()}'`;
      await d.connection.run(`INSERT INTO presence
        SELECT ${start} + to_minutes(i * 5), ${start} + to_minutes(i * 5 + 5), ${BigInt('0x' + INSIDE)}, 9,
               round(60 + 30 * sin(2 * pi() * i / 288))::INTEGER, 1, 1 FROM range(${n}) t(i)`);
      // a busy neighbour outside the area: never part of the area's series
      await d.connection.run(`INSERT INTO presence
        SELECT ${start} + to_minutes(i * 5), ${start} + to_minutes(i * 5 + 5), ${BigInt('0x' + OUTSIDE)}, 9, 100, 1, 1 FROM range(${n}) t(i)`);
    } finally {
      d.close();
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('forecasts the next hour in 5-minute steps from the released series', async () => {
    const r = await cli(['forecast', '--db', db, '--areas', areas, '--area', 'square', '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const f = JSON.parse(r.stdout) as { area: string; k: number; made_at: string; last_observed: number; rows: Record<string, unknown>[] };
    expect(f.area).toBe('square');
    expect(f.k).toBe(20);
    expect(f.made_at).toBe(new Date(START + DAYS * 86_400_000).toISOString());
    expect(f.last_observed).toBe(wave(DAYS * 288 - 1));
    expect(f.rows.map((x) => x.horizon_min)).toEqual([5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60]);
    // a noiseless daily wave: every forecaster is close to the next day's values
    f.rows.forEach((row, h) => {
      const truth = wave(DAYS * 288 + h);
      expect(row.model).toBe('ridge');
      for (const name of ['forecast', 'seasonal_naive', 'historical_average', 'scaled_historical_average', 'ridge']) {
        expect(Math.abs((row[name] as number) - truth), `${name} at ${row.horizon_min} min`).toBeLessThanOrEqual(2);
      }
    });
  });

  it('--at forecasts from an earlier time; csv has one row per slot', async () => {
    const at = new Date(START + 8 * 86_400_000 + 6 * 3_600_000).toISOString();
    const r = await cli(['forecast', '--db', db, '--areas', areas, '--area', 'square', '--at', at]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('area,made_at,slot_start,horizon_min,forecast,model,seasonal_naive,historical_average,scaled_historical_average,ridge');
    expect(lines).toHaveLength(13);
    expect(lines[1]!.split(',').slice(0, 4)).toEqual(['square', at.replace('.000Z', '.000Z'), at, '5']);
  });

  it('withholds forecasts below k (input: only windows whose area count is a released element)', async () => {
    const r = await cli(['forecast', '--db', db, '--areas', areas, '--area', 'square', '--k', '85', '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const f = JSON.parse(r.stdout) as { rows: Record<string, number | null>[] };
    const values = f.rows.flatMap((row) => ['forecast', 'seasonal_naive', 'historical_average', 'scaled_historical_average', 'ridge'].map((n) => row[n]!));
    expect(values.every((v) => v === null || v >= 85)).toBe(true);
    expect(values.some((v) => v === null)).toBe(true);
  });

  it('names the flag or area on bad input, and has --help', async () => {
    const noArea = await cli(['forecast', '--db', db, '--areas', areas, '--area', 'nowhere']);
    expect(noArea.code).toBe(2);
    expect(noArea.stderr).toMatch(/no area with id "nowhere"/);
    const noZones = await cli(['forecast', '--db', db, '--area', 'square']);
    expect(noZones.code).toBe(2);
    expect(noZones.stderr).toMatch(/zone system "areas"/);
    const fmt = await cli(['forecast', '--db', db, '--areas', areas, '--area', 'square', '--format', 'xml']);
    expect(fmt.code).toBe(2);
    expect(fmt.stderr).toMatch(/--format/);
    const help = await cli(['forecast', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: citypulse forecast --db FILE --area ID/);
  });
});
