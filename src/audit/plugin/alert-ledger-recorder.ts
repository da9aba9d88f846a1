import type { DuckDBConnection } from '@duckdb/node-api';
import type { Alert } from '../../../schemas/alert.ts';
import type { AlertLedger } from '../../alerts/plugin/alerting-config.ts';
import { alertRowDigests } from '../duckdb/alert-row-digests.ts';
import type { DuckDbLedger } from '../duckdb/duckdb-ledger.ts';
import { alertRef } from '../engine/ledger-entry.ts';

/**
 * The {@link AlertLedger} the alerts plugin calls right after writing alert rows, on the same
 * connection and in the same transaction: one `alert` entry per stored event, holding the SHA-256 of
 * the row as stored. Events already in the ledger (a replay that inserted nothing) keep their index.
 */
export function createAlertLedgerRecorder(ledger: DuckDbLedger, now: () => number = Date.now): AlertLedger {
  return {
    async record(conn: DuckDBConnection, alerts: readonly Alert[]): Promise<Map<string, number>> {
      const out = new Map<string, number>();
      if (alerts.length === 0) return out;
      if (ledger.size === 0) await ledger.reload(conn);
      const refs = alerts.map((a) => alertRef(a.alert_id, a.seq));
      const existing = await conn.runAndReadAll(`SELECT ref, idx::DOUBLE FROM ledger WHERE ref IN (${refs.map((r) => `'${r.replace(/'/g, "''")}'`).join(', ')})`);
      for (const [ref, idx] of existing.getRowsJS()) out.set(ref as string, idx as number);
      const fresh = alerts.filter((a) => !out.has(alertRef(a.alert_id, a.seq)));
      if (fresh.length === 0) return out;
      const digests = (await alertRowDigests(conn, fresh)) ?? new Map<string, string>();
      const at = new Date(now()).toISOString();
      const appends = fresh.map((a) => {
        const ref = alertRef(a.alert_id, a.seq);
        const digest = digests.get(ref);
        if (!digest) throw new Error(`alert ${a.alert_id}#${a.seq} is not in the alerts table: cannot record it in the ledger`);
        return {
          ref,
          entry: { type: 'alert' as const, at, alert_id: a.alert_id, seq: a.seq, state: a.state, level: a.level, kind: a.kind, area_id: a.area_id, window_start: a.window_start, row_sha256: digest },
        };
      });
      const indices = await ledger.append(conn, appends);
      appends.forEach((x, i) => out.set(x.ref, indices[i]!));
      return out;
    },
  };
}
