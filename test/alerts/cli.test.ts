import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERT_FLAGS, ALERT_FLAGS_HELP, alertingFromFlags } from '../../src/cli/flags/alert-flags.ts';
import { UsageError, parseCommandArgs } from '../../src/cli/command.ts';
import { main } from '../../src/cli/main.ts';
import { cliContext } from './support/cli-context.ts';

const IN = fileURLToPath(new URL('./in/milan-areas.geojson', import.meta.url));
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'citypulse-alerts-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('citypulse areas check', () => {
  it('prints each area with its cells and km²', async () => {
    const c = cliContext();
    expect(await main(['areas', 'check', IN, '--res', '9'], c.ctx)).toBe(0);
    const out = c.stdout();
    expect(out).toMatch(/^.*milan-areas\.geojson: 4 areas, \d+ H3 cells at res 9 \(cell-centre containment\)\n/);
    expect(out).toMatch(/\nstadium {2}"Stadio San Siro" {2}capacity 75,000 {2}\d+ cells {2}1\.\d{3} km² {2}levels 60\/80\/95% {2}density limit 150,000\/km²\n {2}89[0-9a-f]{13} /);
    expect(out).toMatch(/\nduomo {2}"Piazza del Duomo" {2}capacity 20,000 .* scale 2\.5\n/);
    expect(out).toMatch(/\nkiosk {2}capacity 50 {2}1 cell {2}0\.\d{3} km² {2}levels 60\/80\/100% {2}no cell centre inside: centroid cell\n {2}89[0-9a-f]{13}\n/);
  });

  it('--json lists the cells', async () => {
    const c = cliContext();
    expect(await main(['areas', 'check', IN, '--json'], c.ctx)).toBe(0);
    const areas = JSON.parse(c.stdout()) as { id: string; cells: string[]; km2: number; levels: Record<string, number> }[];
    expect(areas.map((a) => a.id)).toEqual(['stadium', 'duomo', '7', 'kiosk']);
    expect(areas[0]!.levels).toEqual({ notice: 0.6, warning: 0.8, critical: 0.95 });
  });

  it('a bad file: exit 2 (wrong input) and a message naming the feature index and id', async () => {
    const bad = join(dir, 'bad.geojson');
    await writeFile(bad, JSON.stringify({ type: 'FeatureCollection', features: [
      { type: 'Feature', properties: { id: 'ok', capacity: 5 }, geometry: { type: 'Polygon', coordinates: [[[9.18, 45.46], [9.19, 45.46], [9.19, 45.47], [9.18, 45.46]]] } },
      { type: 'Feature', properties: { id: 'arena', capacity: -3 }, geometry: { type: 'Polygon', coordinates: [[[9.18, 45.46], [9.19, 45.46], [9.19, 45.47], [9.18, 45.46]]] } },
    ] }));
    const c = cliContext();
    expect(await main(['areas', 'check', bad], c.ctx)).toBe(2);
    expect(c.stderr()).toBe(`citypulse areas: ${bad}: feature 1 (id "arena"): "capacity" must be an integer number of people ≥ 1, got -3\n`);
  });

  it('usage errors', async () => {
    const c = cliContext();
    expect(await main(['areas', 'check'], c.ctx)).toBe(2);
    expect(c.stderr()).toMatch(/give the areas file/);
    expect(await main(['areas', 'check', IN, '--res', '16'], c.ctx)).toBe(2);
  });
});

describe('ALERT_FLAGS / alertingFromFlags (for ingest and stream)', () => {
  const parse = (argv: string[]) => parseCommandArgs(argv, { ...ALERT_FLAGS, res: { type: 'string', default: '9' } }, 'help', cliContext().ctx)!.values;

  it('no --areas: no plugin; other alert flags without --areas are a usage error', async () => {
    const c = cliContext();
    expect(await alertingFromFlags(parse([]), c.ctx)).toBeNull();
    await expect(alertingFromFlags(parse(['--alerts-out', 'x.ndjson']), c.ctx)).rejects.toThrow(new UsageError('--alerts-out needs --areas FILE (or --slowdown-alerts FILE)'));
  });

  it('--slowdown-alerts alone builds the plugin; --visitor-alert needs --areas; bad rules and files name the flag', async () => {
    const c = cliContext();
    const corridors = join(dir, 'corridors.json');
    await writeFile(corridors, JSON.stringify({ corridors: [{ id: 'r1', cells: ['891f99cc337ffff', '891f99cc32bffff', '891f99cdd8fffff'] }] }));
    const p = await alertingFromFlags(parse(['--slowdown-alerts', corridors, '--alerts-out', join(dir, 's.ndjson')]), c.ctx);
    expect(p!.storedOutputsFirst).toBe(true);
    expect(p!.engine.config.areas).toEqual([]);
    await p!.close();
    await expect(alertingFromFlags(parse(['--visitor-alert', 'FR:50']), c.ctx)).rejects.toThrow(new UsageError('--visitor-alert needs --areas FILE'));
    await expect(alertingFromFlags(parse(['--slowdown-alerts', corridors, '--people-per-device', '2']), c.ctx)).rejects.toThrow(new UsageError('--people-per-device needs --areas FILE'));
    await expect(alertingFromFlags(parse(['--areas', IN, '--visitor-alert', 'FR']), c.ctx)).rejects.toThrow(/--visitor-alert must be ORIGIN:LEVEL/);
    await expect(alertingFromFlags(parse(['--areas', IN, '--visitor-alert', 'FR:0']), c.ctx)).rejects.toThrow(/--visitor-alert must be ORIGIN:LEVEL/);
    await expect(alertingFromFlags(parse(['--slowdown-alerts', join(dir, 'missing.json')]), c.ctx)).rejects.toThrow(/--slowdown-alerts .*missing\.json: cannot read it as JSON/);
    const v = await alertingFromFlags(parse(['--areas', IN, '--visitor-alert', 'FR:50', '--visitor-alert', '*:500']), c.ctx);
    expect(v!.storedOutputsFirst).toBe(true);
    await v!.close();
  });

  it('builds the plugin with people per device (number or 1/share), horizon, outputs', async () => {
    const c = cliContext();
    const p = await alertingFromFlags(
      parse(['--areas', IN, '--people-per-device', '1/0.4', '--forecast-horizon', '45m', '--alerts-out', join(dir, 'a.ndjson'), '--webhook', 'http://127.0.0.1:1/x', '--webhook', 'https://example.org/y']),
      c.ctx,
    );
    expect(p!.name).toBe('alerts');
    expect(p!.engine.config.forecast.horizonMs).toBe(45 * 60_000);
    expect(p!.engine.config.areas.map((a) => a.scale)).toEqual([2.5, 2.5, 2.5, 2.5]);
    await p!.close();
  });

  it('rejects bad values naming the flag', async () => {
    const c = cliContext();
    await expect(alertingFromFlags(parse(['--areas', IN, '--people-per-device', 'lots']), c.ctx)).rejects.toThrow(/--people-per-device must be a number > 0/);
    await expect(alertingFromFlags(parse(['--areas', IN, '--forecast-horizon', 'soon']), c.ctx)).rejects.toThrow(/--forecast-horizon: cannot read "soon"/);
    await expect(alertingFromFlags(parse(['--areas', IN, '--webhook', 'ftp://x']), c.ctx)).rejects.toThrow(/--webhook must be an http\(s\) URL/);
  });

  it('help text covers every flag', () => {
    for (const f of Object.keys(ALERT_FLAGS)) expect(ALERT_FLAGS_HELP).toContain(`--${f} `);
  });
});
