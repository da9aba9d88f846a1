import type { DuckDBConnection } from '@duckdb/node-api';
import { CitypulseError } from '../../core/citypulse-error.ts';

/**
 * The inputs `ingest` has read into a database, by content fingerprint: a second ingest of the same
 * bytes is refused (it would count every device twice). Created on first use; `--replace` drops it
 * with the pipeline tables.
 */
export const INGEST_SOURCES_SQL = `
CREATE TABLE IF NOT EXISTS ingest_sources (
  fingerprint  VARCHAR PRIMARY KEY,
  source       VARCHAR NOT NULL,
  bytes        BIGINT,
  run_id       VARCHAR,
  ingested_at  TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);
`;

/** What a database's earlier runs were windowed with; a new run must use the same. */
export interface IngestWindowSettings {
  windowMs: number;
  latenessMs: number;
  presenceTimeoutMs: number;
  resolution: number;
}

/** The flag behind each {@link IngestWindowSettings} field, for error messages. */
const FLAG: Record<keyof IngestWindowSettings, string> = { windowMs: '--window', latenessMs: '--lateness', presenceTimeoutMs: '--presence-timeout', resolution: '--res' };

const show = (field: keyof IngestWindowSettings, v: number) => (field === 'resolution' ? String(v) : v % 60_000 === 0 ? `${v / 60_000}m` : `${v / 1000}s`);

/**
 * Refuses an ingest that would corrupt the counts already in the database: an input whose fingerprint
 * was ingested before (kind `conflict`, exit 2 / HTTP 409), or window settings that differ from the
 * earlier runs' (rows of two window sizes in one presence table are not comparable).
 * Call it on a writable connection before anything is written; it creates `ingest_sources` if needed.
 */
export async function checkIngestTarget(conn: DuckDBConnection, input: { fingerprint: string | null; settings: IngestWindowSettings; db: string }): Promise<void> {
  await conn.run(INGEST_SOURCES_SQL);
  if (input.fingerprint !== null) {
    const seen = await conn.runAndReadAll(
      `SELECT s.source, strftime(s.ingested_at, '%Y-%m-%d %H:%M:%S'), r.finished_at IS NULL AND r.run_id IS NOT NULL
       FROM ingest_sources s LEFT JOIN ingest_runs r USING (run_id) WHERE s.fingerprint = $1`,
      [input.fingerprint],
    );
    const row = seen.getRowsJS()[0];
    if (row) {
      const [source, at, unfinished] = row as [string, string, boolean | null];
      throw new CitypulseError(
        `this input was already ingested into ${input.db} (${source}, at ${at} UTC${unfinished ? '; that run did not finish' : ''}); ` +
          'ingesting it again would count every device twice — use --replace to rebuild the database from this input, or another --db',
        { kind: 'conflict', fingerprint: input.fingerprint, db: input.db },
      );
    }
  }
  const runs = await conn.runAndReadAll(`SELECT DISTINCT config::VARCHAR FROM ingest_runs WHERE config IS NOT NULL`);
  for (const [text] of runs.getRowsJS() as [string][]) {
    let held: Partial<IngestWindowSettings>;
    try {
      held = JSON.parse(text) as Partial<IngestWindowSettings>;
    } catch {
      continue;
    }
    for (const field of Object.keys(FLAG) as (keyof IngestWindowSettings)[]) {
      const h = held[field];
      if (typeof h === 'number' && h !== input.settings[field]) {
        throw new CitypulseError(
          `${FLAG[field]} ${show(field, input.settings[field])} differs from the ${show(field, h)} of the runs already in ${input.db}; ` +
            `windows of different settings cannot share one presence table — use ${FLAG[field]} ${show(field, h)}, another --db, or --replace`,
          { kind: 'conflict', flag: FLAG[field], db: input.db },
        );
      }
    }
  }
}

/** Records that `fingerprint` was ingested by run `runId` (called in the run's first steps). */
export async function recordIngestSource(conn: DuckDBConnection, entry: { fingerprint: string; source: string; bytes: number | null; runId: string | null }): Promise<void> {
  await conn.run(INGEST_SOURCES_SQL);
  await conn.run(`INSERT INTO ingest_sources (fingerprint, source, bytes, run_id) VALUES ($1, $2, $3, $4)`, [entry.fingerprint, entry.source, entry.bytes, entry.runId]);
}

/** Links a recorded source to its run once the run id is known. */
export async function linkIngestSource(conn: DuckDBConnection, fingerprint: string, runId: string): Promise<void> {
  await conn.run(`UPDATE ingest_sources SET run_id = $2 WHERE fingerprint = $1`, [fingerprint, runId]);
}
