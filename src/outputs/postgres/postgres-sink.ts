import pg from 'pg';
import type { Pool, PoolClient } from 'pg';
import { CitypulseError } from '../../core/citypulse-error.ts';
import type { BatchPartition, MirrorBatch } from './mirror-entry.ts';
import { postgresError } from './postgres-error.ts';
import { PG_SCHEMA_NAME, PG_SCHEMA_VERSION, pgSchemaSql } from './postgres-schema.ts';
import { checkPostgresUrl } from './postgres-url.ts';

/** Configuration of a {@link PostgresSink}. */
export interface PostgresSinkConfig {
  /** `postgres://user[:password]@host[:port]/database` (`--postgres`). */
  url: string;
  /** Schema holding the tables and views (`--postgres-schema`). Default `citypulse`. */
  schema?: string;
  /** The Kafka consumer group; a schema holds the results of one group (another is refused). */
  group: string;
  /** Threshold of the `presence_released` view, stored at creation. Default 20. */
  k?: number;
  /** Longest wait for a connection (ms). Default 10,000. */
  connectTimeoutMs?: number;
  /** Diagnostics. */
  log?: (message: string) => void;
}

/** What one {@link PostgresSink.write} did. */
export interface PostgresWriteResult {
  /** Partitions whose rows were written (their offset was newer than the stored one). */
  written: number;
  /** Partitions skipped: PostgreSQL already holds their results up to a later offset. */
  skipped: number;
  presenceRows: number;
  odRows: number;
  alerts: number;
}

const iso = (ms: number) => new Date(ms).toISOString();
const h3dec = (hex: string) => BigInt(`0x${hex}`).toString();

/**
 * The PostgreSQL side of the stream's mirror: creates the schema on first use (versioned, see
 * postgres-schema.ts) and writes merged checkpoints, each in ONE transaction holding every partition's
 * rows and its next offset. A partition whose stored offset is already past the batch's is skipped
 * (its rows are there: a partition's results depend only on its messages, so a later offset holds
 * every row of an earlier one), and rows are upserted by key, so a replay writes nothing new.
 */
export class PostgresSink {
  readonly #cfg: Required<Omit<PostgresSinkConfig, 'log'>> & { log: (m: string) => void };
  readonly #masked: string;
  readonly #q: string;
  #pool: Pool | null = null;

  constructor(config: PostgresSinkConfig) {
    this.#masked = checkPostgresUrl(config.url);
    const schema = config.schema ?? 'citypulse';
    if (!PG_SCHEMA_NAME.test(schema)) throw new CitypulseError(`--postgres-schema must be a lower-case identifier (a-z, 0-9, _), got "${schema}"`, { kind: 'usage', flag: '--postgres-schema' });
    const k = config.k ?? 20;
    if (!Number.isInteger(k) || k < 2) throw new RangeError(`k must be an integer ≥ 2, got ${k}`);
    this.#cfg = { url: config.url, schema, group: config.group, k, connectTimeoutMs: config.connectTimeoutMs ?? 10_000, log: config.log ?? (() => {}) };
    this.#q = `"${schema}"`;
  }

  /** The server with the password masked, for messages. */
  get server(): string {
    return this.#masked;
  }

  /** The schema written to. */
  get schema(): string {
    return this.#cfg.schema;
  }

  /** Connects and creates or checks the schema: version, consumer group. */
  async open(): Promise<void> {
    const { schema, group, k } = this.#cfg;
    await this.#tx('creating the schema', async (c) => {
      // Two processes starting together must not race on CREATE … IF NOT EXISTS (it is not atomic).
      await c.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`citypulse-schema:${schema}`]);
      const exists = await c.query(`SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'citypulse_meta'`, [schema]);
      if (exists.rowCount) {
        const meta = new Map((await c.query<{ key: string; value: string }>(`SELECT key, value FROM ${this.#q}.citypulse_meta`)).rows.map((r) => [r.key, r.value]));
        const version = Number(meta.get('schema_version') ?? 0);
        if (version > PG_SCHEMA_VERSION) {
          throw new CitypulseError(`--postgres: schema "${schema}" has version ${version}, written by a newer citypulse (this one knows ${PG_SCHEMA_VERSION}); upgrade citypulse`, { kind: 'conflict', flag: '--postgres-schema' });
        }
        const owner = meta.get('consumer_group');
        if (owner !== undefined && owner !== group) {
          throw new CitypulseError(
            `--postgres: schema "${schema}" holds the results of consumer group "${owner}", not "${group}"; a second group would count the same events twice. Use another --postgres-schema (or the same --group)`,
            { kind: 'conflict', flag: '--postgres-schema' },
          );
        }
      }
      await c.query(pgSchemaSql(schema));
      await c.query(`INSERT INTO ${this.#q}.citypulse_meta VALUES ('schema_version', $1), ('consumer_group', $2), ('k', $3) ON CONFLICT (key) DO NOTHING`, [String(PG_SCHEMA_VERSION), group, String(k)]);
      await c.query(`UPDATE ${this.#q}.citypulse_meta SET value = $1 WHERE key = 'schema_version'`, [String(PG_SCHEMA_VERSION)]);
    });
  }

  /**
   * Writes a merged batch and the alerts in one transaction. Per partition (locked in order): rows and
   * offset unless the stored offset is newer than the batch's; the frontier of the
   * partitions for which this process is at least as far as the stored offset; alerts upserted.
   */
  async write(batch: MirrorBatch, alerts: readonly Record<string, unknown>[]): Promise<PostgresWriteResult> {
    const q = this.#q;
    const group = this.#cfg.group;
    const result: PostgresWriteResult = { written: 0, skipped: 0, presenceRows: 0, odRows: 0, alerts: 0 };
    await this.#tx('writing a checkpoint', async (c) => {
      const keys = new Map<string, { topic: string; partition: number }>();
      for (const p of batch.parts) keys.set(`${p.topic}/${p.partition}`, p);
      for (const [k, f] of batch.frontier) keys.set(k, f);
      const sorted = [...keys.values()].sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
      const stored = new Map<string, bigint>();
      if (sorted.length > 0) {
        const topics = sorted.map((k) => k.topic);
        const parts = sorted.map((k) => k.partition);
        await c.query(
          `INSERT INTO ${q}.citypulse_offsets (consumer_group, topic, "partition", next_offset)
           SELECT $1, t, p, -1 FROM unnest($2::text[], $3::integer[]) AS u(t, p)
           ON CONFLICT DO NOTHING`,
          [group, topics, parts],
        );
        // Row locks in one order for every process: two owners of a partition (a rebalance) serialise here.
        const r = await c.query<{ topic: string; partition: number; next_offset: string }>(
          `SELECT o.topic, o."partition", o.next_offset FROM ${q}.citypulse_offsets o
           JOIN unnest($2::text[], $3::integer[]) AS u(t, p) ON o.topic = u.t AND o."partition" = u.p
           WHERE o.consumer_group = $1 ORDER BY o.topic, o."partition" FOR UPDATE OF o`,
          [group, topics, parts],
        );
        for (const row of r.rows) stored.set(`${row.topic}/${row.partition}`, BigInt(row.next_offset));
      }
      const fresh: BatchPartition[] = [];
      for (const p of batch.parts) {
        // Strictly older than what is stored: skipped (a zombie owner, a replay from further back).
        // At an equal offset the rows are upserted again: a replay of the same checkpoint writes the
        // same values, and the end of input closes the last windows without moving the offset.
        if ((stored.get(`${p.topic}/${p.partition}`) ?? -1n) > p.nextOffset) result.skipped++;
        else fresh.push(p);
      }
      result.presenceRows = await this.#upsertPresence(c, fresh);
      result.odRows = await this.#upsertOd(c, fresh);
      for (const p of fresh) {
        await c.query(`UPDATE ${q}.citypulse_offsets SET next_offset = GREATEST(next_offset, $4::bigint), updated_at = now() WHERE consumer_group = $1 AND topic = $2 AND "partition" = $3`, [group, p.topic, p.partition, p.nextOffset.toString()]);
        stored.set(`${p.topic}/${p.partition}`, p.nextOffset);
        result.written++;
      }
      for (const [k, f] of batch.frontier) {
        // Only an owner at least as far as the stored offset moves a partition's frontier (not a
        // process that lost the partition in a rebalance and still writes its last checkpoint).
        if (f.offset < (stored.get(k) ?? -1n)) continue;
        await c.query(
          `UPDATE ${q}.citypulse_offsets SET published_until = $4::timestamptz WHERE consumer_group = $1 AND topic = $2 AND "partition" = $3`,
          [group, f.topic, f.partition, Number.isFinite(f.until) ? iso(f.until) : 'infinity'],
        );
      }
      if (alerts.length > 0) {
        const cols = 'area_id, area_name, kind, level, previous_level, peak_level, state, window_start, window_end, opened_window_start, devices, people, capacity, occupancy, area_km2, density_per_km2, value, threshold, forecast_people, forecast_at, baseline_people, z_score, message, window_closed_at, emitted_at'.split(', ');
        await c.query(
          `INSERT INTO ${q}.alerts SELECT * FROM jsonb_populate_recordset(NULL::${q}.alerts, $1::jsonb)
           ON CONFLICT (alert_id, seq) DO UPDATE SET ${cols.map((x) => `${x} = EXCLUDED.${x}`).join(', ')}`,
          [JSON.stringify(alerts)],
        );
        result.alerts = alerts.length;
      }
    });
    return result;
  }

  /** Closes the pool. */
  async close(): Promise<void> {
    const pool = this.#pool;
    this.#pool = null;
    if (pool) await pool.end().catch(() => {});
  }

  async #upsertPresence(c: PoolClient, parts: readonly BatchPartition[]): Promise<number> {
    const rows = parts.flatMap((p) =>
      [...p.presence.values()].map(([ws, we, h3, res, present, active, events]) => ({ topic: p.topic, partition: p.partition, window_start: iso(ws), window_end: iso(we), h3: h3dec(h3), res, present, active, events })),
    );
    if (rows.length === 0) return 0;
    await c.query(
      `INSERT INTO ${this.#q}.presence_partials SELECT * FROM jsonb_populate_recordset(NULL::${this.#q}.presence_partials, $1::jsonb)
       ON CONFLICT (topic, "partition", window_start, h3) DO UPDATE
       SET window_end = EXCLUDED.window_end, res = EXCLUDED.res, present = EXCLUDED.present, active = EXCLUDED.active, events = EXCLUDED.events`,
      [JSON.stringify(rows)],
    );
    return rows.length;
  }

  async #upsertOd(c: PoolClient, parts: readonly BatchPartition[]): Promise<number> {
    const rows = parts.flatMap((p) =>
      [...p.od.values()].map(([hour, origin, destination, trips]) => ({ topic: p.topic, partition: p.partition, departure_hour: iso(hour), origin: h3dec(origin), destination: h3dec(destination), trips })),
    );
    if (rows.length === 0) return 0;
    await c.query(
      `INSERT INTO ${this.#q}.od_partials SELECT * FROM jsonb_populate_recordset(NULL::${this.#q}.od_partials, $1::jsonb)
       ON CONFLICT (topic, "partition", departure_hour, origin, destination) DO UPDATE SET trips = EXCLUDED.trips`,
      [JSON.stringify(rows)],
    );
    return rows.length;
  }

  /** Runs `body` in one transaction on a pooled connection; a failure rolls back and is wrapped (naming --postgres). */
  async #tx(what: string, body: (c: PoolClient) => Promise<void>): Promise<void> {
    let c: PoolClient;
    try {
      c = await this.#connectPool().connect();
    } catch (err) {
      throw postgresError(err, 'connecting', this.#masked);
    }
    let broken = false;
    try {
      await c.query('BEGIN');
      await body(c);
      await c.query('COMMIT');
    } catch (err) {
      await c.query('ROLLBACK').catch(() => (broken = true));
      throw postgresError(err, what, this.#masked);
    } finally {
      c.release(broken);
    }
  }

  #connectPool(): Pool {
    if (!this.#pool) {
      const pool = new pg.Pool({ connectionString: this.#cfg.url, max: 1, connectionTimeoutMillis: this.#cfg.connectTimeoutMs, application_name: 'citypulse-stream' });
      // An idle connection that dies (server restart) must not crash the process; the next write reconnects.
      pool.on('error', (err) => this.#cfg.log(`PostgreSQL connection lost: ${err.message}`));
      this.#pool = pool;
    }
    return this.#pool;
  }
}
