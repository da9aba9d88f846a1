import type { DuckDBConnection } from '@duckdb/node-api';
import { canonicalJson } from '../engine/canonical-json.ts';
import { alertRef } from '../engine/ledger-entry.ts';
import { sha256 } from '../engine/merkle-hash.ts';
import { hasTable } from './ledger-tables.ts';

/**
 * SHA-256 (hex) of each `alerts` row's canonical JSON, by ref (`alert:<id>#<seq>`). Timestamps are
 * read as epoch milliseconds so the digest does not depend on the session's time zone. `only`
 * restricts to those refs. Null when the database has no alerts table.
 */
export async function alertRowDigests(conn: DuckDBConnection, only?: readonly { alert_id: string; seq: number }[]): Promise<Map<string, string> | null> {
  if (!(await hasTable(conn, 'alerts'))) return null;
  const cols = await conn.runAndReadAll(
    `SELECT column_name FROM duckdb_columns() WHERE table_name = 'alerts' AND database_name = current_database() AND data_type LIKE 'TIMESTAMP%'`,
  );
  const ts = cols.getRowsJS().map(([c]) => `epoch_ms("${String(c)}") AS "${String(c)}"`);
  const replace = ts.length > 0 ? ` REPLACE (${ts.join(', ')})` : '';
  let where = '';
  if (only) {
    if (only.length === 0) return new Map();
    where = ` WHERE (alert_id, seq) IN (${only.map((a) => `(${sqlString(a.alert_id)}, ${Math.trunc(a.seq)})`).join(', ')})`;
  }
  const r = await conn.runAndReadAll(`SELECT alert_id, seq, to_json(a)::VARCHAR FROM (SELECT *${replace} FROM alerts${where}) a`);
  const out = new Map<string, string>();
  for (const [id, seq, json] of r.getRowsJS()) out.set(alertRef(id as string, seq as number), alertRowDigest(json as string));
  return out;
}

/** SHA-256 (hex) of the canonical form of one row's JSON. */
export function alertRowDigest(rowJson: string): string {
  return sha256(Buffer.from(canonicalJson(JSON.parse(rowJson)), 'utf8')).toString('hex');
}

function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}
