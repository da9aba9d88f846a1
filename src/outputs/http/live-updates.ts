import type { DuckDBConnection } from '@duckdb/node-api';
import { queryAlerts } from './query-alerts.ts';

/** What changed in the database since the previous {@link LiveUpdates.scan}. */
export interface LiveChanges {
  /** Windows published since, oldest first. */
  windows: { windowStart: string; windowEnd: string }[];
  /** Alert events (open, escalate, resolve) stored since, as `/api/v1/alerts` returns them, oldest first. */
  alerts: Record<string, unknown>[];
  /** End of the published windows (ms), or null when none. */
  publishedUntil: number | null;
}

/** Alert events further back than this before the last published window are not looked at again. */
const ALERT_LOOKBACK_MS = 24 * 3600_000;

/**
 * Finds what a running stream published since the last look, from a fresh connection after a
 * checkpoint (its release tables built): new released windows (those `/api/v1/windows` lists) and
 * new rows of `alerts` (k-anonymised like the alerts route).
 * The first scan only records where things stand (clients learn the past from the API).
 */
export class LiveUpdates {
  readonly #k: number;
  #until: number | null = null;
  #started = false;
  readonly #seen = new Set<string>();

  constructor(k: number) {
    this.#k = k;
  }

  /** End of the published windows at the last scan (ms), or null. */
  get publishedUntil(): number | null {
    return this.#until;
  }

  /** Reads the changes on `conn` (one read transaction: windows and alerts agree). */
  async scan(conn: DuckDBConnection): Promise<LiveChanges> {
    const first = !this.#started;
    this.#started = true;
    await conn.run('BEGIN TRANSACTION');
    try {
      // The released windows (what the API serves; an analyst database has no presence table).
      const until = (await conn.runAndReadAll('SELECT epoch_ms(max(window_end)) FROM release_elements')).getRowsJS()[0]![0] as bigint | null;
      const last = this.#until;
      const publishedUntil = until === null ? null : Number(until);
      let windows: LiveChanges['windows'] = [];
      if (!first && publishedUntil !== null && (last === null || publishedUntil > last)) {
        const r = await conn.runAndReadAll(
          `SELECT DISTINCT epoch_ms(window_start), epoch_ms(window_end) FROM release_elements WHERE epoch_ms(window_end) > $last ORDER BY 1`,
          { last: last ?? -8.64e15 },
        );
        windows = (r.getRowsJS() as [bigint, bigint][]).map(([s, e]) => ({ windowStart: new Date(Number(s)).toISOString(), windowEnd: new Date(Number(e)).toISOString() }));
      }
      const since = (last ?? publishedUntil ?? 0) - ALERT_LOOKBACK_MS;
      const { alerts } = await queryAlerts(conn, { since: Math.max(0, since), limit: 100_000, k: this.#k });
      const fresh: Record<string, unknown>[] = [];
      for (const a of alerts.reverse()) {
        const key = `${String(a.alert_id)}:${String(a.seq)}`;
        if (this.#seen.has(key)) continue;
        this.#seen.add(key);
        if (!first) fresh.push(a);
      }
      this.#until = publishedUntil ?? last;
      return { windows, alerts: fresh, publishedUntil: this.#until };
    } finally {
      await conn.run('COMMIT');
    }
  }
}
