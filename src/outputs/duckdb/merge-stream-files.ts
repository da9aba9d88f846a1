import type { DuckDBConnection } from '@duckdb/node-api';
import { SCHEMA_SQL } from './schema.ts';
import { STREAM_SCHEMA_SQL } from './stream-schema.ts';
import { withTransaction } from './with-transaction.ts';

/**
 * Merges the DuckDB files of several `stream` processes of one consumer group into `conn`'s database:
 * partial rows are de-duplicated (a partition that moved between processes may have been written by
 * both, identically) and summed into `presence`; dead letters and late events are de-duplicated by
 * their source position.
 */
export async function mergeStreamFiles(conn: DuckDBConnection, files: string[]): Promise<{ presence: number; deadLetters: number; late: number }> {
  if (files.length === 0) throw new RangeError('no input files to merge');
  await conn.run(SCHEMA_SQL);
  await conn.run(STREAM_SCHEMA_SQL);
  const names = files.map((_, i) => `src${i}`);
  for (let i = 0; i < files.length; i++) await conn.run(`ATTACH '${files[i]!.replaceAll("'", "''")}' AS ${names[i]} (READ_ONLY)`);
  try {
    const union = (table: string, cols: string) => names.map((n) => `SELECT ${cols} FROM ${n}.${table}`).join(' UNION ');
    await withTransaction(conn, async () => {
      await conn.run('DELETE FROM presence_partials; DELETE FROM presence; DELETE FROM dead_letters; DELETE FROM late_events');
      await conn.run(`INSERT INTO presence_partials ${union('presence_partials', '*')}`);
      await conn.run(
        `INSERT INTO presence SELECT window_start, window_end, h3, res, sum(present)::INTEGER, sum(active)::INTEGER, sum(events)::INTEGER
         FROM presence_partials GROUP BY ALL`,
      );
      // UNION (not UNION ALL) drops rows two processes wrote identically; ingested_at may differ, so
      // keep the earliest per source position.
      await conn.run(
        `INSERT INTO dead_letters SELECT source, position, reason, detail, payload, event_ts, min(ingested_at)
         FROM (${union('dead_letters', '*')}) GROUP BY source, position, reason, detail, payload, event_ts`,
      );
      await conn.run(`INSERT INTO late_events ${union('late_events', '*')}`);
    });
  } finally {
    for (const n of names) await conn.run(`DETACH ${n}`).catch(() => {});
  }
  const r = await conn.runAndReadAll('SELECT (SELECT count(*) FROM presence), (SELECT count(*) FROM dead_letters), (SELECT count(*) FROM late_events)');
  const [p, d, l] = r.getRowsJS()[0] as [bigint, bigint, bigint];
  return { presence: Number(p), deadLetters: Number(d), late: Number(l) };
}
