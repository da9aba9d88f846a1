// The checkpointer with a real PostgreSQL mirror and a real DuckDB (no broker): PostgreSQL's presence
// follows DuckDB's at every checkpoint; while PostgreSQL fails, DuckDB checkpoints go on, entries stay
// staged and the state changelog is held back; once it works again everything arrives.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Checkpointer, type ChangelogEntry } from '../../../pipelines/stream/checkpointer.ts';
import { PartitionTable } from '../../../pipelines/stream/partition-table.ts';
import { restorePartition } from '../../../pipelines/stream/restore-partition.ts';
import { resolveStreamConfig } from '../../../pipelines/stream/stream-config.ts';
import type { Clock } from '../../../src/core/clock.ts';
import { decodeText } from '../../../src/ingest/decode/decode-message.ts';
import { CellTable } from '../../../src/locate/cell-table.ts';
import { openDatabase } from '../../../src/outputs/duckdb/open.ts';
import { StreamStore } from '../../../src/outputs/duckdb/stream-store.ts';
import { createPostgresMirror } from '../../../src/outputs/postgres/postgres-mirror.ts';
import { Pseudonymiser } from '../../../src/privacy/pseudonymiser.ts';
import { createTestDatabase, ensurePostgres, type TestDatabase } from '../../support/postgres.ts';

const server = await ensurePostgres();
const M = 60_000;
const T0 = Date.UTC(2026, 2, 2, 8, 0);
const CELLS = CellTable.fromCsv(`cell_id,lat,lon\nc1,45.4642,9.1900\nc2,45.4780,9.2270\nc3,45.4700,9.2000\n`, 9);
let db: TestDatabase;

describe.skipIf(server.skipped)('Checkpointer with the PostgreSQL mirror (real DuckDB and PostgreSQL, no broker)', () => {
  beforeAll(async () => {
    db = await createTestDatabase(server, 'checkpointer');
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('PostgreSQL presence equals DuckDB presence at each checkpoint; an outage holds the changelog and catches up', async () => {
    const duck = await openDatabase(':memory:');
    const clock: Clock & { t: number } = { t: 1_000_000, now() { return this.t; }, sleep: async () => {} };
    const cfg = resolveStreamConfig({ brokers: [], topics: ['t'], groupId: 'g', cells: CELLS, pseudonymiser: new Pseudonymiser({ key: new Uint8Array(32).fill(3) }), connection: duck.connection, clock, now: () => T0 + 86_400_000, windowMs: 15 * M, latenessMs: 0 });
    const store = new StreamStore(duck.connection, 'g');
    await store.init();
    const logs: string[] = [];
    const mirror = createPostgresMirror({ url: db.url, group: 'g', log: (m) => logs.push(m) });
    await mirror.init(duck.connection);
    const states: ChangelogEntry[][] = [];
    const table = new PartitionTable((topic, partition) => restorePartition(cfg, store, null, topic, partition));
    table.assign(new Set(['t/0', 't/1']));
    const parts = [await table.ensure('t', 0), await table.ensure('t', 1)];
    const cp = new Checkpointer({ store, table, connection: duck.connection, plugins: [], deviceConsumers: [], clock, partitionIdleMs: 30_000, publishedUntil: null, mirror, effects: { publishStates: async (e) => void states.push(e) } });
    // 12 devices, partition = device % 2, one event a minute for 3 hours.
    let offset = 0;
    const feed = (minutes: number) => {
      for (let i = 0; i < minutes; i++, offset++) {
        const d = offset % 12;
        const st = parts[d % 2]!;
        st.pipeline.processMessage(decodeText(JSON.stringify({ ts: T0 + offset * M, imsi: `2220100000000${String(d).padStart(2, '0')}`, cell: `c${(offset % 3) + 1}`, event: 'tau' })), 't', `${d % 2}@${offset}`, `t/${d % 2}`, clock.now());
        st.nextOffset = BigInt(offset) + 1n;
        st.dirty = true;
        st.lastMessageAt = clock.now();
        st.pipeline.advance(clock.now());
      }
    };
    const duckPresence = async () => (await duck.connection.runAndReadAll(`SELECT epoch_ms(window_start)::VARCHAR, h3::VARCHAR, present, active, events FROM presence`)).getRowsJS().map((r) => r.join('|')).sort();
    const pgPresence = async () => (await db.query(`SELECT (extract(epoch FROM window_start) * 1000)::bigint::text AS ws, h3::text AS h3, present, active, events FROM citypulse.presence`)).map((r) => Object.values(r).join('|')).sort();

    feed(60);
    await cp.checkpoint();
    expect((await duckPresence()).length).toBeGreaterThan(0);
    expect(await pgPresence()).toEqual(await duckPresence());
    expect(states).toHaveLength(1);

    // PostgreSQL fails (the table is away): DuckDB commits, the entry stays staged, no changelog.
    await db.query('ALTER TABLE citypulse.presence_partials RENAME TO presence_partials_away');
    const before = (await db.query('SELECT count(*)::int AS n FROM citypulse.presence_partials_away'))[0]!.n;
    feed(60);
    await cp.checkpoint();
    feed(30);
    await cp.checkpoint();
    expect(mirror.pending).toBe(true);
    expect(states).toHaveLength(1);
    expect(logs.join('\n')).toMatch(/--postgres postgres:\/\/.*writing a checkpoint failed.*stay staged in DuckDB/);
    expect((await db.query('SELECT count(*)::int AS n FROM citypulse.presence_partials_away'))[0]!.n).toBe(before);
    expect((await duck.connection.runAndReadAll('SELECT count(*)::INTEGER FROM mirror_outbox')).getRowsJS()).toEqual([[2]]);

    // Back: the next checkpoint delivers both staged entries and its own; the changelog resumes.
    await db.query('ALTER TABLE citypulse.presence_partials_away RENAME TO presence_partials');
    feed(30);
    for (const p of parts) {
      p.pipeline.finish();
      p.dirty = true;
    }
    await cp.checkpoint(true);
    expect(mirror.pending).toBe(false);
    expect(states).toHaveLength(2);
    expect(logs.join('\n')).toMatch(/reachable again: 3 staged checkpoints delivered/);
    expect(await pgPresence()).toEqual(await duckPresence());
    expect((await duckPresence()).length).toBeGreaterThan(20);
    await mirror.close();
    duck.close();
  });
});
