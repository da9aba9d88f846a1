// `citypulse serve` as a process: prints its URL, answers, stops gracefully on SIGTERM and SIGINT;
// refuses a missing file and a file held by a writer.
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/outputs/duckdb/open.ts';
import { cli, spawnCli } from '../support/cli.ts';
import { buildSmallDb } from './fixture.ts';

let dir: string;
let dbPath: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'citypulse-serve-'));
  dbPath = join(dir, 'small.duckdb');
  await buildSmallDb(dbPath);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Starts `citypulse serve` on a free port; resolves once it printed its URL. */
async function serve(extra: string[] = []) {
  const child = spawnCli(['serve', '--db', dbPath, '--port', '0', ...extra]);
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      stdout += d;
      const m = /citypulse serve: (http:\/\/\S+\/) /.exec(stdout);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
  });
  return { child, url, stderr: () => stderr };
}

describe('citypulse serve', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`serves on a free port and closes gracefully on ${signal}`, async () => {
      const s = await serve(['--log', 'json']);
      const r = await fetch(new URL('/healthz', s.url));
      expect(r.status).toBe(200);
      expect(await r.json()).toMatchObject({ status: 'ok', windows: 2 });
      const exited = once(s.child, 'exit');
      s.child.kill(signal);
      const [code] = await exited;
      expect(code).toBe(0);
      const events = s
        .stderr()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { type: string; path?: string; status?: number });
      expect(events.map((e) => e.type)).toEqual(['http.listening', 'http.request', 'http.closing', 'http.closed']);
      expect(events[1]).toMatchObject({ path: '/healthz', status: 200 });
    });
  }

  it('--help, a missing file, a bad flag', async () => {
    expect((await cli(['serve', '--help'])).stdout).toMatch(/Usage: citypulse serve --db FILE/);
    const missing = await cli(['serve', '--db', join(dir, 'nope.duckdb')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no such file/);
    expect((await cli(['serve', '--db', dbPath, '--k', '1'])).code).toBe(2);
    const noAreas = await cli(['serve', '--db', dbPath, '--areas', join(dir, 'nope.geojson')]);
    expect(noAreas.code).toBe(2);
    expect(noAreas.stderr).toMatch(/--areas .*nope\.geojson: no such file/);
    // A file that is not watched areas: refused naming it and the problem (exit 2, an input error).
    writeFileSync(join(dir, 'bad-areas.geojson'), JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { id: 'a' }, geometry: null }] }));
    const bad = await cli(['serve', '--db', dbPath, '--port', '0', '--areas', join(dir, 'bad-areas.geojson')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad-areas\.geojson: feature 0/);
  });

  it('a file a writer holds: refused with the way out (a copy, a snapshot, the lake)', async () => {
    const writer = await openDatabase(dbPath);
    try {
      const r = await cli(['serve', '--db', dbPath, '--port', '0']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/held by a running writer/);
      expect(r.stderr).toMatch(/copy|snapshot|lake/);
    } finally {
      writer.close();
    }
  });
});
