import { timestampTZValue, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import type { DeviceConsumerPlugin } from '../../window/device-window.ts';
import type { PresenceRow } from '../../window/presence-row.ts';
import type { DeadLetter, LateRecord, PipelineSink } from '../../core/pipeline-sink.ts';
import { withAppender } from './with-appender.ts';

/** H3 hex string → UBIGINT value. */
export function h3ToBigInt(h3: string): bigint {
  return BigInt('0x' + h3);
}

/** Epoch ms → DuckDB TIMESTAMPTZ value. */
export function tsValue(ms: number) {
  return timestampTZValue(BigInt(ms) * 1000n);
}

/**
 * Appends the seven columns of a presence row (window_start, window_end, h3, res, present, active,
 * events) to the current appender row; the caller ends the row.
 */
export function appendPresenceColumns(a: DuckDBAppender, r: PresenceRow): void {
  a.appendTimestampTZ(tsValue(r.windowStart));
  a.appendTimestampTZ(tsValue(r.windowEnd));
  a.appendUBigInt(h3ToBigInt(r.h3));
  a.appendUTinyInt(r.res);
  a.appendInteger(r.present);
  a.appendInteger(r.active);
  a.appendInteger(r.events);
}

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
      const now = tsValue(this.#now());
      await withAppender(this.#conn, 'dead_letters', (a) => {
        for (const d of rows) {
          a.appendVarchar(d.source);
          a.appendVarchar(d.position);
          a.appendVarchar(d.reason);
          a.appendVarchar(d.detail);
          a.appendVarchar(d.payload);
          if (d.eventTs === null) a.appendNull();
          else a.appendTimestampTZ(tsValue(d.eventTs));
          a.appendTimestampTZ(now);
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
          a.appendTimestampTZ(tsValue(l.ts));
          a.appendTimestampTZ(tsValue(l.windowStart));
          a.appendTimestampTZ(tsValue(l.watermark));
          a.appendUBigInt(h3ToBigInt(l.h3));
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
