// The PostgreSQL mirror of `stream --postgres` against a real PostgreSQL and a real DuckDB, without
// Kafka: hand-computed sums over partitions, the frontier, replay idempotence, crashes between the
// DuckDB and the PostgreSQL commit, two processes on one schema, and clear errors.
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { latLngToCell } from 'h3-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PresenceRow } from '../../../src/core/presence-row.ts';
import type { CheckpointMirror, MirrorCheckpoint, MirrorPartition } from '../../../src/outputs/checkpoint-mirror.ts';
import { withTransaction } from '../../../src/outputs/duckdb/with-transaction.ts';
import { createPostgresMirror } from '../../../src/outputs/postgres/postgres-mirror.ts';
import { createTestDatabase, ensurePostgres, type TestDatabase } from '../../support/postgres.ts';

const server = await ensurePostgres();
const M = 60_000;
const W = 15 * M;
const T0 = Date.UTC(2026, 2, 2, 8, 0);
const [A, B, C] = [latLngToCell(45.46, 9.19, 9), latLngToCell(45.47, 9.2, 9), latLngToCell(45.48, 9.21, 9)];

const row = (w: number, h3: string, present: number, active = present, events = present * 3): PresenceRow => ({ windowStart: T0 + w * W, windowEnd: T0 + (w + 1) * W, h3, res: 9, present, active, events });
const part = (partition: number, nextOffset: number, rows: PresenceRow[], od: [number, string, string, number][] = []): MirrorPartition => ({
  topic: 'ev',
  partition,
  nextOffset: String(nextOffset),
  rows,
  device: new Map([['mobility', od.map(([hour, origin, destination, trips]) => ({ table: 'od_h3_hourly', row: { hour, origin, destination, trips } }))]]),
});

interface Proc {
  conn: DuckDBConnection;
  mirror: CheckpointMirror;
  close(): Promise<void>;
}

let db: TestDatabase;

async function proc(file = ':memory:', group = 'g1', schema = 'citypulse'): Promise<Proc> {
  const inst = await DuckDBInstance.create(file);
  const conn = await inst.connect();
  const mirror = createPostgresMirror({ url: db.url, group, schema });
  await mirror.init(conn);
  return {
    conn,
    mirror,
    async close() {
      await mirror.close();
      conn.closeSync();
      inst.closeSync();
    },
  };
}

/** A checkpoint as the checkpointer hands it: staged inside a DuckDB transaction, delivered after it. */
async function checkpoint(p: Proc, c: Partial<MirrorCheckpoint> & { parts: MirrorPartition[] }, deliver = true): Promise<boolean> {
  const full: MirrorCheckpoint = {
    assigned: c.parts.map((x) => ({ key: `${x.topic}/${x.partition}`, nextOffset: x.nextOffset })),
    publishedUntil: null,
    published: [],
    final: false,
    ...c,
  };
  await withTransaction(p.conn, () => p.mirror.stage(p.conn, full));
  return deliver ? p.mirror.deliver(p.conn) : true;
}

const presence = async (schema = 'citypulse') =>
  (await db.query<{ w: string; h3: string; present: number; active: number; events: number }>(
    `SELECT extract(epoch FROM window_start)::bigint::text AS w, lpad(to_hex(h3), 15, '0') AS h3, present, active, events FROM ${schema}.presence`,
  )).map((r) => `${(Number(r.w) * 1000 - T0) / W} ${r.h3} ${r.present}/${r.active}/${r.events}`).sort();
const partials = async (schema = 'citypulse') => Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${schema}.presence_partials`))[0]!.n);
const sorted = (xs: string[]) => [...xs].sort();

describe.skipIf(server.skipped)('PostgreSQL mirror (real PostgreSQL + DuckDB)', () => {
  beforeAll(async () => {
    db = await createTestDatabase(server, 'unit');
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('sums partitions per (window, cell) for the windows every partition published; replays change nothing', async () => {
    const p = await proc();
    try {
      // Window 0 closed in both partitions; window 1 only in partition 0. Frontier: end of window 0.
      await checkpoint(p, { parts: [part(0, 10, [row(0, A, 21), row(0, B, 5), row(1, A, 7)]), part(1, 8, [row(0, A, 4), row(0, C, 30)])], publishedUntil: T0 + W });
      expect(await presence()).toEqual(sorted([`0 ${A} 25/25/75`, `0 ${B} 5/5/15`, `0 ${C} 30/30/90`]));
      // The released view: base cells with >= 20 people (k = 20), nothing else.
      const rel = await db.query<{ h3_hex: string; present: number }>('SELECT h3_hex, present FROM citypulse.presence_released ORDER BY 1');
      expect(rel.map((r) => `${r.h3_hex} ${r.present}`)).toEqual([`${A} 25`, `${C} 30`].sort());
      // A replay of the same checkpoint (after a crash): upserted again, the same values.
      await checkpoint(p, { parts: [part(0, 10, [row(0, A, 21), row(0, B, 5), row(1, A, 7)]), part(1, 8, [row(0, A, 4), row(0, C, 30)])], publishedUntil: T0 + W });
      // An older offset (a zombie owner, a replay from further back) with rows: skipped as well.
      await checkpoint(p, { parts: [part(1, 5, [row(0, A, 4)])], publishedUntil: T0 + W });
      expect(await presence()).toEqual(sorted([`0 ${A} 25/25/75`, `0 ${B} 5/5/15`, `0 ${C} 30/30/90`]));
      expect(await partials()).toBe(6 - 1);
      // A replay from further back that reaches a newer offset re-sends rows already there (upserted,
      // not added) with new ones; the frontier moves to the end of window 1.
      await checkpoint(p, { parts: [part(1, 12, [row(0, A, 4), row(0, C, 30), row(1, A, 2), row(1, C, 22)])], publishedUntil: T0 + 2 * W });
      await checkpoint(p, { parts: [part(0, 11, [])], publishedUntil: T0 + 2 * W });
      expect(await presence()).toEqual(sorted([`0 ${A} 25/25/75`, `0 ${B} 5/5/15`, `0 ${C} 30/30/90`, `1 ${A} 9/9/27`, `1 ${C} 22/22/66`]));
      const offs = await db.query<{ partition: number; next_offset: string }>('SELECT "partition", next_offset FROM citypulse.citypulse_offsets ORDER BY 1');
      expect(offs.map((o) => [o.partition, o.next_offset])).toEqual([[0, '11'], [1, '12']]);
    } finally {
      await p.close();
    }
  });

  it('a crash after the DuckDB commit, before PostgreSQL: the next start delivers what was staged', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'citypulse-pg-'));
    try {
      const file = join(dir, 'a.duckdb');
      let p = await proc(file, 'g1', 'crash');
      await checkpoint(p, { parts: [part(0, 10, [row(0, A, 21)]), part(1, 8, [row(0, A, 4)])], publishedUntil: T0 + W });
      const before = await presence('crash');
      expect(before).toEqual([`0 ${A} 25/25/75`]);
      // Staged and committed in DuckDB, never delivered (the process died here).
      await checkpoint(p, { parts: [part(0, 20, [row(2, A, 40)]), part(1, 18, [row(2, A, 1)])], publishedUntil: T0 + 3 * W }, false);
      await p.close();
      expect(await presence('crash')).toEqual(before);
      p = await proc(file, 'g1', 'crash');
      expect(p.mirror.pending).toBe(true);
      expect(await p.mirror.deliver(p.conn, true)).toBe(true);
      expect(p.mirror.pending).toBe(false);
      expect(await presence('crash')).toEqual(sorted([...before, `2 ${A} 41/41/123`]));
      // A crash after the PostgreSQL commit, before the outbox delete: delivered again, nothing changes.
      await checkpoint(p, { parts: [part(0, 21, [row(3, B, 3)])], publishedUntil: T0 + 3 * W }, false);
      await p.mirror.deliver(p.conn);
      await p.conn.run(`INSERT INTO mirror_outbox VALUES ('g1', 'postgres:crash', 1000, '{"v":1,"parts":[{"topic":"ev","partition":0,"nextOffset":"21","presence":[[${T0 + 3 * W},${T0 + 4 * W},"${B}",9,3,3,9]],"od":[]}],"assigned":[],"publishedUntil":null,"final":false,"alertsFrom":null}', now())`);
      const n = await partials('crash');
      const shown = await presence('crash');
      await p.mirror.deliver(p.conn, true);
      expect(await partials('crash')).toBe(n);
      expect(await presence('crash')).toEqual(shown);
      await p.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('two processes of one group write one schema: views sum them, the frontier is the smallest, final publishes all', async () => {
    const schema = 'two';
    const a = await proc(':memory:', 'g2', schema);
    const b = await proc(':memory:', 'g2', schema);
    try {
      await checkpoint(a, { parts: [part(0, 5, [row(0, A, 10), row(1, A, 11)])], publishedUntil: T0 + 2 * W });
      await checkpoint(b, { parts: [part(1, 7, [row(0, A, 12)])], publishedUntil: T0 + W });
      expect(await presence(schema)).toEqual([`0 ${A} 22/22/66`]);
      // b reaches its end of input: its partition holds nothing back; a's frontier rules.
      await checkpoint(b, { parts: [part(1, 9, [row(1, A, 1), row(2, A, 2)])], publishedUntil: T0 + 3 * W, final: true });
      expect(await presence(schema)).toEqual(sorted([`0 ${A} 22/22/66`, `1 ${A} 12/12/36`]));
      await checkpoint(a, { parts: [part(0, 6, [row(2, A, 3)])], publishedUntil: T0 + 3 * W, final: true });
      expect(await presence(schema)).toEqual(sorted([`0 ${A} 22/22/66`, `1 ${A} 12/12/36`, `2 ${A} 5/5/15`]));
      // Hourly OD per partition, summed by the view.
      await checkpoint(a, { parts: [part(0, 7, [], [[T0, A, B, 3]])] });
      await checkpoint(b, { parts: [part(1, 10, [], [[T0, A, B, 4], [T0, B, C, 1]])] });
      await checkpoint(b, { parts: [part(1, 10, [], [[T0, A, B, 4]])] });
      const od = await db.query<{ o: string; d: string; trips: number }>(`SELECT lpad(to_hex(origin), 15, '0') AS o, lpad(to_hex(destination), 15, '0') AS d, trips FROM ${schema}.od_h3_hourly ORDER BY 1, 2`);
      expect(od.map((r) => `${r.o} ${r.d} ${r.trips}`)).toEqual([`${A} ${B} 7`, `${B} ${C} 1`].sort());
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('a dead owner\'s staged entry, delivered after another process took the partition: skipped when behind, fills the gap when ahead', async () => {
    const schema = 'moved';
    const dead = await proc(':memory:', 'g4', schema);
    const next = await proc(':memory:', 'g4', schema);
    try {
      // Partition 0: window w closes at offset 10 (w + 1), 10 people in cell A.
      const upTo = (from: number, to: number) => [0, 1, 2, 3].filter((w) => 10 * (w + 1) > from && 10 * (w + 1) <= to).map((w) => row(w, A, 10 + w));
      await checkpoint(dead, { parts: [part(0, 10, upTo(0, 10))], publishedUntil: T0 + W });
      // The old owner commits offset 25 in DuckDB and dies before PostgreSQL (staged only).
      await checkpoint(dead, { parts: [part(0, 25, upTo(10, 25))], publishedUntil: T0 + 2 * W }, false);
      // The new owner resumed from the changelog at 10 (never past PostgreSQL) and reached 18.
      await checkpoint(next, { parts: [part(0, 18, upTo(10, 18))], publishedUntil: T0 + W });
      // The old owner restarts and delivers: ahead of the stored 18, its rows fill the gap.
      await dead.mirror.deliver(dead.conn, true);
      expect(await presence(schema)).toEqual(sorted([`0 ${A} 10/10/30`, `1 ${A} 11/11/33`]));
      // The new owner's next checkpoint at 22 is older than the stored 25: skipped; at 40: written.
      await checkpoint(next, { parts: [part(0, 22, upTo(18, 22))], publishedUntil: T0 + 2 * W });
      await checkpoint(next, { parts: [part(0, 40, upTo(22, 40))], publishedUntil: T0 + 4 * W });
      expect(await presence(schema)).toEqual(sorted([`0 ${A} 10/10/30`, `1 ${A} 11/11/33`, `2 ${A} 12/12/36`, `3 ${A} 13/13/39`]));
      // And a stale entry behind the stored offset (the old owner staged 30, the new one is at 40): skipped.
      await checkpoint(dead, { parts: [part(0, 30, upTo(25, 30).map((r) => ({ ...r, present: 99 })))] });
      expect(await presence(schema)).toEqual(sorted([`0 ${A} 10/10/30`, `1 ${A} 11/11/33`, `2 ${A} 12/12/36`, `3 ${A} 13/13/39`]));
      expect((await db.query<{ next_offset: string }>(`SELECT next_offset FROM ${schema}.citypulse_offsets`)).map((r) => r.next_offset)).toEqual(['40']);
    } finally {
      await dead.close();
      await next.close();
    }
  });

  it('the Grafana recipe of docs/postgres.md: a role granted presence_released reads it and nothing beneath', async () => {
    const schema = 'bi';
    const role = `citypulse_test_pg_reader_${Math.floor(Math.random() * 1e9)}`;
    const p = await proc(':memory:', 'g5', schema);
    try {
      await checkpoint(p, { parts: [part(0, 3, [row(0, A, 25), row(0, B, 19)])], publishedUntil: T0 + W });
      await db.query(`CREATE ROLE ${role} LOGIN`);
      await db.query(`GRANT USAGE ON SCHEMA ${schema} TO ${role}`);
      await db.query(`GRANT SELECT ON ${schema}.presence_released TO ${role}`);
      const u = new URL(db.url);
      u.username = role;
      const pg = (await import('pg')).default;
      const c = new pg.Client({ connectionString: u.toString() });
      await c.connect();
      try {
        const r = await c.query(`SELECT h3_hex, present FROM ${schema}.presence_released`);
        expect(r.rows).toEqual([{ h3_hex: A, present: 25 }]);
        await expect(c.query(`SELECT * FROM ${schema}.presence`)).rejects.toThrow(/permission denied/);
        await expect(c.query(`SELECT * FROM ${schema}.presence_partials`)).rejects.toThrow(/permission denied/);
      } finally {
        await c.end();
      }
    } finally {
      await p.close();
      await db.query(`DROP OWNED BY ${role}`).catch(() => {});
      await db.query(`DROP ROLE IF EXISTS ${role}`);
    }
  });

  it('randomised: any interleaving of replays, crashes and redeliveries gives the sum of the partitions', async () => {
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 16807) % 2147483647) % n);
    const schema = 'rnd';
    const cells = [A, B, C];
    // Truth: per partition, window w closes at offset 10 * (w + 1) with deterministic rows.
    const rowsAt = (p: number, w: number) => cells.map((h, i) => row(w, h, ((p * 7 + w * 3 + i * 5) % 13) + 1));
    const rowsBetween = (p: number, from: number, to: number) => Array.from({ length: 8 }, (_, w) => w).filter((w) => 10 * (w + 1) > from && 10 * (w + 1) <= to).flatMap((w) => rowsAt(p, w));
    const x = await proc(':memory:', 'g3', schema);
    try {
      const pos = [0, 0, 0];
      for (let step = 0; step < 60; step++) {
        const p = rnd(3);
        // Either go forward, or replay from an earlier point (a crash, a rebalance), 1..25 offsets at a time.
        const from = rnd(4) === 0 ? Math.max(0, pos[p]! - 1 - rnd(30)) : pos[p]!;
        const to = Math.min(80, from + 1 + rnd(25));
        pos[p] = Math.max(pos[p]!, to);
        // The last 40 checkpoints stay staged (an outage): caught up in several transactions.
        await checkpoint(x, { parts: [part(p, to, rowsBetween(p, from, to))] }, step < 20 && rnd(3) !== 0);
      }
      for (let p = 0; p < 3; p++) await checkpoint(x, { parts: [part(p, 80, rowsBetween(p, pos[p]!, 80))], final: true }, false);
      expect(Number((await x.conn.runAndReadAll('SELECT count(*) FROM mirror_outbox')).getRowsJS()[0]![0])).toBeGreaterThan(40);
      await x.mirror.deliver(x.conn, true);
      expect(Number((await x.conn.runAndReadAll('SELECT count(*) FROM mirror_outbox')).getRowsJS()[0]![0])).toBe(0);
      const want = new Map<string, number>();
      for (let p = 0; p < 3; p++) for (const r of rowsBetween(p, 0, 80)) want.set(`${(r.windowStart - T0) / W} ${r.h3}`, (want.get(`${(r.windowStart - T0) / W} ${r.h3}`) ?? 0) + r.present);
      const got = (await presence(schema)).map((s) => s.split('/')[0]!);
      expect(got).toEqual(sorted([...want].map(([k, v]) => `${k} ${v}`)));
      expect(got.length).toBe(8 * 3);
    } finally {
      await x.close();
    }
  });

  it('refuses a second consumer group on the same schema, a bad URL and an unreachable server, naming the flag', async () => {
    const inst = await DuckDBInstance.create(':memory:');
    const conn = await inst.connect();
    try {
      const other = createPostgresMirror({ url: db.url, group: 'someone-else', schema: 'citypulse' });
      await expect(other.init(conn)).rejects.toThrow(/--postgres.*consumer group "g1".*--postgres-schema/s);
      await other.close();
      expect(() => createPostgresMirror({ url: 'mysql://x@h/db', group: 'g' })).toThrow(/--postgres must start with postgres:\/\//);
      expect(() => createPostgresMirror({ url: 'not a url', group: 'g' })).toThrow(/--postgres must be a URL/);
      expect(() => createPostgresMirror({ url: db.url, group: 'g', schema: 'Bad-Name' })).toThrow(/--postgres-schema/);
      const down = createPostgresMirror({ url: 'postgres://u:secret@127.0.0.1:1/x', group: 'g', connectTimeoutMs: 2000 });
      const err = await down.init(conn).then(() => null, (e: Error) => e);
      expect(err?.message).toMatch(/^--postgres postgres:\/\/u:\*\*\*@127\.0\.0\.1:1\/x: connecting failed: .*ECONNREFUSED/);
      expect(err?.message).not.toContain('secret');
      await down.close();
    } finally {
      conn.closeSync();
      inst.closeSync();
    }
  });
});
