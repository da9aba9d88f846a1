// `citypulse stream --postgres` against a real broker and a real PostgreSQL (database
// citypulse_test_pg_stream_*, dropped after): one process ⇒ PostgreSQL's presence, hourly OD and
// alerts equal DuckDB's row by row; two processes of one group, one killed with kill -9 mid-run and
// restarted ⇒ PostgreSQL's views equal the reference `ingest` of the same input with no merge step.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, spawnCli } from '../support/cli.ts';
import { createTestDatabase, ensurePostgres, type TestDatabase } from '../support/postgres.ts';
import { ensureBroker, uniqueTopic } from './broker.ts';

const broker = await ensureBroker();
const server = await ensurePostgres();
const dir = mkdtempSync(join(tmpdir(), 'citypulse-pg-stream-'));
const env = { CITYPULSE_KEY: 'a3f1c2e4b5d6a7980112233445566778', CITYPULSE_BROKERS: broker.brokers.join(','), CITYPULSE_LEDGER_KEY_FILE: '', CITYPULSE_KEY_DIR: join(dir, 'keys') };
const events = join(dir, 'sim', 'events.ndjson');
const cells = join(dir, 'sim', 'cells.csv');
const areas = join(dir, 'areas.geojson');
const refDb = join(dir, 'ref.duckdb');
let db: TestDatabase;

/** Same measures, same order, same text in both stores. */
const DUCK = {
  presence: `SELECT epoch_ms(window_start)::VARCHAR, epoch_ms(window_end)::VARCHAR, h3::VARCHAR, res, present, active, events FROM presence ORDER BY ALL`,
  od: `SELECT epoch_ms(departure_hour)::VARCHAR, origin::VARCHAR, destination::VARCHAR, sum(trips)::INTEGER FROM od_h3_hourly GROUP BY ALL ORDER BY ALL`,
  alerts: `SELECT alert_id, seq, area_id, kind, level, state, epoch_ms(window_start)::VARCHAR, devices, people, occupancy FROM alerts ORDER BY ALL`,
};
const ms = (c: string) => `(extract(epoch FROM ${c}) * 1000)::bigint::text AS ${c}_ms`;
const PG = (s = 'citypulse') => ({
  presence: `SELECT ${ms('window_start')}, ${ms('window_end')}, h3::text, res, present, active, events FROM ${s}.presence ORDER BY 1, 2, 3`,
  od: `SELECT ${ms('departure_hour')}, origin::text, destination::text, trips FROM ${s}.od_h3_hourly ORDER BY 1, 2, 3`,
  alerts: `SELECT alert_id, seq, area_id, kind, level, state, ${ms('window_start')}, devices, people, occupancy FROM ${s}.alerts ORDER BY 1, 2`,
});

async function duck(path: string, sql: string): Promise<string[]> {
  const inst = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
  const c = await inst.connect();
  try {
    return (await c.runAndReadAll(sql)).getRowsJS().map((r) => r.map(String).join('|')).sort();
  } finally {
    c.closeSync();
    inst.closeSync();
  }
}

async function postgres(sql: string): Promise<string[]> {
  return (await db.query(sql, [])).map((r) => Object.values(r).map(String).join('|')).sort();
}

/** A closed ring of `n` points, `radiusM` around (lat, lon). */
function disc(lat: number, lon: number, radiusM: number, n = 24): [number, number][] {
  const ring: [number, number][] = [];
  for (let i = 0; i <= n; i++) {
    const a = (2 * Math.PI * (i % n)) / n;
    ring.push([lon + (radiusM * Math.sin(a)) / (111_320 * Math.cos((lat * Math.PI) / 180)), lat + (radiusM * Math.cos(a)) / 110_540]);
  }
  return ring;
}

function waitExit(child: ReturnType<typeof spawnCli>): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  child.stdout!.resume();
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr })));
}

describe.skipIf(broker.skipped || server.skipped)('citypulse stream --postgres (real broker, real PostgreSQL)', () => {
  beforeAll(async () => {
    db = await createTestDatabase(server, 'stream');
    const sim = await cli(['simulate', '--out', join(dir, 'sim'), '--subscribers', '500', '--seed', '11'], env);
    expect(sim.code, sim.stderr).toBe(0);
    const scenarios = JSON.parse(readFileSync(join(dir, 'sim', 'truth', 'scenarios.json'), 'utf8')) as { id: string; center: { lat: number; lon: number } }[];
    // Tiny capacities: every planted scenario raises alerts even in a city of 500 subscribers.
    writeFileSync(areas, JSON.stringify({
      type: 'FeatureCollection',
      features: scenarios.map((s) => ({ type: 'Feature', properties: { id: s.id, name: s.id, capacity: 3 }, geometry: { type: 'Polygon', coordinates: [disc(s.center.lat, s.center.lon, 1_000)] } })),
    }));
    const ing = await cli(['ingest', '--from', events, '--cells', cells, '--db', refDb, '--areas', areas, '--no-ledger'], env);
    expect(ing.code, ing.stderr).toBe(0);
  }, 300_000);

  afterAll(async () => {
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('one process: PostgreSQL presence, hourly OD and alerts equal DuckDB row by row', async () => {
    const topic = uniqueTopic('pg-one');
    const pub = await cli(['publish', '--from', events, '--topic', topic, '--partitions', '3'], env);
    expect(pub.code, pub.stderr).toBe(0);
    const file = join(dir, 'one.duckdb');
    const schema = 'citypulse';
    const r = await cli(['stream', '--topics', topic, '--group', `g-${topic}`, '--cells', cells, '--db', file, '--areas', areas, '--no-ledger', '--exit-when-idle', '4s', '--partition-idle', '10s', '--postgres', db.url, '--postgres-schema', schema], env);
    expect(r.code, r.stderr.slice(-3000)).toBe(0);
    const [dp, pp] = [await duck(file, DUCK.presence), await postgres(PG().presence)];
    expect(dp.length).toBeGreaterThan(1000);
    expect(pp).toEqual(dp);
    expect(await duck(file, DUCK.presence)).toEqual(await duck(refDb, DUCK.presence));
    const [dod, pod] = [await duck(file, DUCK.od), await postgres(PG().od)];
    expect(dod.length).toBeGreaterThan(50);
    expect(pod).toEqual(dod);
    const [da, pa] = [await duck(file, DUCK.alerts), await postgres(PG().alerts)];
    expect(da.length).toBeGreaterThan(0);
    expect(pa).toEqual(da);
    // The k-safe view: only cells of >= 20 people, the same numbers as presence.
    const rel = await db.query<{ n: string; below: string; sum: string }>(
      `SELECT count(*) AS n, count(*) FILTER (WHERE present < 20) AS below, sum(present) AS sum FROM citypulse.presence_released`,
    );
    const want = await db.query<{ n: string; sum: string }>(`SELECT count(*) AS n, sum(present) AS sum FROM citypulse.presence WHERE present >= 20`);
    expect(rel[0]!.below).toBe('0');
    expect([rel[0]!.n, rel[0]!.sum]).toEqual([want[0]!.n, want[0]!.sum]);
    // Nothing left staged in the DuckDB outbox after a clean end.
    expect(await duck(file, 'SELECT count(*) FROM mirror_outbox')).toEqual(['0']);
  }, 300_000);

  it('two processes in one group, one killed with kill -9 and restarted: PostgreSQL equals ingest with no merge', async () => {
    const topic = uniqueTopic('pg-two');
    const pub = await cli(['publish', '--from', events, '--topic', topic, '--partitions', '4'], env);
    expect(pub.code, pub.stderr).toBe(0);
    const group = `g-${topic}`;
    const args = (file: string, idle: string) => ['stream', '--topics', topic, '--group', group, '--cells', cells, '--db', file, '--exit-when-idle', idle, '--partition-idle', '10s', '--checkpoint-every', '200ms', '--postgres', db.url, '--postgres-schema', 'two'];
    const a = join(dir, 'two-a.duckdb');
    const b = join(dir, 'two-b.duckdb');
    const childA = spawnCli(args(a, '6s'), env);
    const doneA = waitExit(childA);
    await new Promise((r) => setTimeout(r, 1500));
    const doneB = waitExit(spawnCli(args(b, '6s'), env));
    // Kill A mid-run, once both processes hold partitions and PostgreSQL has rows of 3 of the 4.
    const written = async () => {
      try {
        return Number((await db.query<{ n: string }>(`SELECT count(DISTINCT "partition") AS n FROM two.presence_partials`))[0]!.n);
      } catch {
        return 0; // the schema is not there yet
      }
    };
    for (let t = 0; t < 240 && (await written()) < 3; t++) await new Promise((r) => setTimeout(r, 250));
    await new Promise((r) => setTimeout(r, 700));
    childA.kill('SIGKILL');
    const ra = await doneA;
    expect(ra.signal, ra.stderr.slice(-2000)).toBe('SIGKILL');
    expect(await written()).toBeGreaterThanOrEqual(3);
    // Restart A on its own DuckDB file: it delivers what it had staged, rejoins, and the group finishes.
    const ra2 = await waitExit(spawnCli(args(a, '6s'), env));
    const rb = await doneB;
    expect(rb.code, rb.stderr.slice(-3000)).toBe(0);
    expect(ra2.code, ra2.stderr.slice(-3000)).toBe(0);
    const [ref, got] = [await duck(refDb, DUCK.presence), await postgres(PG('two').presence)];
    expect(ref.length).toBeGreaterThan(1000);
    expect(got).toEqual(ref);
    expect(await postgres(PG('two').od)).toEqual(await duck(refDb, DUCK.od));
    // Both processes wrote partitions: the sums really span processes.
    for (const file of [a, b]) expect(Number((await duck(file, 'SELECT count(DISTINCT "partition") FROM presence_partials'))[0])).toBeGreaterThan(0);
    expect(await postgres(`SELECT count(DISTINCT "partition") FROM two.presence_partials`)).toEqual(['4']);
  }, 400_000);
});
