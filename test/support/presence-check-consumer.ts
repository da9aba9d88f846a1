import type { DuckDBConnection } from '@duckdb/node-api';
import { withAppender } from '../../src/outputs/duckdb/with-appender.ts';
import { h3ToBigInt, tsValue } from '../../src/outputs/duckdb/duckdb-sink.ts';
import type { DeviceConsumerPlugin, DeviceWindow, WindowDeviceConsumer } from '../../src/window/device-window.ts';

/** One output of {@link PresenceCheckConsumer}: a device present in a cell in a window. */
export interface PresenceCheckRow {
  windowStart: number;
  windowEnd: number;
  h3: string;
  device: string;
  /** How many windows this consumer has seen the device present in, this one included (stateful). */
  seq: number;
  /** Dwell of the dominant cell (ms) and number of the device's events in the window. */
  dwellMs: number;
  events: number;
}

/**
 * A device consumer used by tests to prove the device-level seam: it emits one row per present device
 * (its dominant cell), from which `present` per (window, cell) can be rebuilt and compared with the
 * `presence` table. Its state (windows present per device) makes lost or replayed state visible: after
 * a crash, `seq` must still count 1, 2, 3… per device.
 */
export class PresenceCheckConsumer implements WindowDeviceConsumer<PresenceCheckRow> {
  readonly name = 'presence-check';
  #seen = new Map<string, number>();
  #lastWindow: number | null = null;

  onWindow(windowStart: number, windowEnd: number, devices: readonly DeviceWindow[]): PresenceCheckRow[] {
    if (this.#lastWindow !== null && windowStart <= this.#lastWindow) throw new Error(`window ${windowStart} after ${this.#lastWindow}: out of order`);
    this.#lastWindow = windowStart;
    const out: PresenceCheckRow[] = [];
    for (const d of devices) {
      if (d.windowStart !== windowStart || d.windowEnd !== windowEnd) throw new Error('device window does not match its window');
      if (d.dominant === null) continue;
      const seq = (this.#seen.get(d.device) ?? 0) + 1;
      this.#seen.set(d.device, seq);
      const dwellMs = d.dwell.find(([h3]) => h3 === d.dominant)?.[1] ?? -1;
      out.push({ windowStart, windowEnd, h3: d.dominant, device: d.device, seq, dwellMs, events: d.events.length });
    }
    return out;
  }

  snapshot(): unknown {
    return { seen: [...this.#seen], lastWindow: this.#lastWindow };
  }

  restore(state: unknown): void {
    const s = state as { seen: [string, number][]; lastWindow: number | null };
    this.#seen = new Map(s.seen);
    this.#lastWindow = s.lastWindow;
  }
}

/** The plugin: the consumer plus its own DuckDB table `presence_check`. */
export const presenceCheckPlugin: DeviceConsumerPlugin<PresenceCheckRow, DuckDBConnection> = {
  name: 'presence-check',
  create: () => new PresenceCheckConsumer(),
  async init(conn) {
    await conn.run(`CREATE TABLE IF NOT EXISTS presence_check (
      window_start TIMESTAMPTZ NOT NULL, window_end TIMESTAMPTZ NOT NULL, h3 UBIGINT NOT NULL,
      device VARCHAR NOT NULL, seq INTEGER NOT NULL, dwell_ms BIGINT NOT NULL, events INTEGER NOT NULL)`);
  },
  async store(conn, rows) {
    await withAppender(conn, 'presence_check', (a) => {
      for (const r of rows) {
        a.appendTimestampTZ(tsValue(r.windowStart));
        a.appendTimestampTZ(tsValue(r.windowEnd));
        a.appendUBigInt(h3ToBigInt(r.h3));
        a.appendVarchar(r.device);
        a.appendInteger(r.seq);
        a.appendBigInt(BigInt(r.dwellMs));
        a.appendInteger(r.events);
        a.endRow();
      }
    });
  },
};

/**
 * SQL giving the differences between `presence` (present > 0) and `present` rebuilt from
 * `presence_check`: no rows when the seam is exact. Also checks that `seq` counts 1..n per device.
 */
export const PRESENCE_CHECK_DIFF_SQL = `
  WITH rebuilt AS (SELECT window_start, h3, count(*)::INTEGER AS present FROM presence_check GROUP BY ALL),
       engine AS (SELECT window_start, h3, present FROM presence WHERE present > 0)
  SELECT 'missing' AS side, * FROM (SELECT * FROM engine EXCEPT ALL SELECT * FROM rebuilt)
  UNION ALL
  SELECT 'extra', * FROM (SELECT * FROM rebuilt EXCEPT ALL SELECT * FROM engine)
  UNION ALL
  SELECT 'seq', NULL, NULL, NULL FROM (
    SELECT device, seq, row_number() OVER (PARTITION BY device ORDER BY window_start) AS n FROM presence_check
  ) WHERE seq <> n
  LIMIT 20`;
