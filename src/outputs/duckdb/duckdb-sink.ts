import type { DuckDBConnection } from '@duckdb/node-api';
import type { DeviceConsumerPlugin } from '../../window/device-window.ts';
import type { PresenceRow } from '../../core/presence-row.ts';
import type { DeadLetter, LateRecord, PipelineSink } from '../../core/pipeline-sink.ts';
import { appendPresenceColumns } from './presence-columns.ts';
import { valueCodec } from './value-codec.ts';
import { withAppender } from './with-appender.ts';

/**
 * H3 hex string → UBIGINT value.
 * @deprecated Use {@link valueCodec}`.h3ToUbigint`; kept only until `pipelines/` and `stream-store.ts` switch.
 */
export const h3ToBigInt = valueCodec.h3ToUbigint;

/**
 * Epoch ms → DuckDB TIMESTAMPTZ value.
 * @deprecated Use {@link valueCodec}`.timestampTZ`; kept only until `pipelines/` and `stream-store.ts` switch.
 */
export const tsValue = valueCodec.timestampTZ;

/**
 * @deprecated Import it from `presence-columns.ts`; re-exported only until `stream-store.ts` switches.
 */
export { appendPresenceColumns };

/** Configuration of a {@link DuckDbSink}. */
export interface DuckDbSinkConfig {
  connection: DuckDBConnection;
  /** Clock for `ingested_at`. Default Date.now. */
  now?: () => number;
  /** Device consumers whose outputs this sink stores (through their `store`). Default none. */
  deviceConsumers?: readonly DeviceConsumerPlugin<unknown, DuckDBConnection>[];
}

/**
 * Writes presence rows, dead letters and late events into DuckDB through appenders (never one INSERT
 * per row). Rows are buffered in memory and appended on {@link flush}.
 */
export class DuckDbSink implements PipelineSink {
  readonly #conn: DuckDBConnection;
  readonly #now: () => number;
  #presence: PresenceRow[] = [];
  #dead: DeadLetter[] = [];
  #late: LateRecord[] = [];
  readonly #stores = new Map<string, DeviceConsumerPlugin<unknown, DuckDBConnection>>();
  #device = new Map<string, unknown[]>();
  #deviceBuffered = 0;
  /** Totals written, for summaries (`deviceOutputs`: outputs of device consumers, stored or not). */
  readonly written = { presence: 0, deadLetters: 0, late: 0, deviceOutputs: 0 };

  constructor(config: DuckDbSinkConfig) {
    this.#conn = config.connection;
    this.#now = config.now ?? Date.now;
    for (const p of config.deviceConsumers ?? []) this.#stores.set(p.name, p);
  }

  deviceOutputs(consumer: string, rows: readonly unknown[]): void {
    let buf = this.#device.get(consumer);
    if (!buf) this.#device.set(consumer, (buf = []));
    for (const r of rows) buf.push(r);
    this.#deviceBuffered += rows.length;
  }

  presence(rows: readonly PresenceRow[]): void {
    for (const r of rows) this.#presence.push(r);
  }

  deadLetter(dl: DeadLetter): void {
    this.#dead.push(dl);
  }

  late(le: LateRecord): void {
    this.#late.push(le);
  }

  /** Rows waiting for {@link flush}. */
  get buffered(): number {
    return this.#presence.length + this.#dead.length + this.#late.length + this.#deviceBuffered;
  }

  async flush(): Promise<void> {
    if (this.#deviceBuffered > 0) {
      const device = this.#device;
      this.#device = new Map();
      this.#deviceBuffered = 0;
      for (const [name, rows] of device) {
        await this.#stores.get(name)?.store?.(this.#conn, rows);
        this.written.deviceOutputs += rows.length;
      }
    }
    if (this.#presence.length > 0) {
      const rows = this.#presence;
      this.#presence = [];
      await withAppender(this.#conn, 'presence', (a) => {
        for (const r of rows) {
          appendPresenceColumns(a, r);
          a.endRow();
        }
      });
      this.written.presence += rows.length;
    }
    if (this.#dead.length > 0) {
      const rows = this.#dead;
      this.#dead = [];
      const now = this.#now();
      await withAppender(this.#conn, 'dead_letters', (a) => {
        for (const d of rows) {
          a.appendVarchar(d.source);
          a.appendVarchar(d.position);
          a.appendVarchar(d.reason);
          a.appendVarchar(d.detail);
          a.appendVarchar(d.payload);
          if (d.eventTs === null) a.appendNull();
          else valueCodec.appendTimestampTZ(a, d.eventTs);
          valueCodec.appendTimestampTZ(a, now);
          a.endRow();
        }
      });
      this.written.deadLetters += rows.length;
    }
    if (this.#late.length > 0) {
      const rows = this.#late;
      this.#late = [];
      await withAppender(this.#conn, 'late_events', (a) => {
        for (const l of rows) {
          valueCodec.appendTimestampTZ(a, l.ts);
          valueCodec.appendTimestampTZ(a, l.windowStart);
          valueCodec.appendTimestampTZ(a, l.watermark);
          a.appendUBigInt(valueCodec.h3ToUbigint(l.h3));
          a.appendVarchar(l.kind);
          a.appendVarchar(l.device);
          a.appendVarchar(l.source);
          a.appendVarchar(l.position);
          a.endRow();
        }
      });
      this.written.late += rows.length;
    }
  }
}
