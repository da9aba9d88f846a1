import type { DuckDBConnection } from '@duckdb/node-api';
import { CitypulseError } from '../../core/citypulse-error.ts';

/**
 * Binds a database to one pseudonymisation key: the first run stores the key's fingerprint in
 * `db_meta`; a later run with a different key is refused (kind `conflict`, exit 2) instead of silently
 * starting new device ids that split every device's history. A database written before fingerprints
 * existed but already holding data is adopted by the first run that checks it.
 *
 * @throws CitypulseError (conflict) naming both fingerprints and where the key is looked up.
 */
export async function checkKeyFingerprint(conn: DuckDBConnection, fingerprint: string, where: string): Promise<'stored' | 'matched'> {
  await conn.run('CREATE TABLE IF NOT EXISTS db_meta (name VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)');
  const rows = (await conn.runAndReadAll(`SELECT value FROM db_meta WHERE name = 'key_fingerprint'`)).getRowsJS();
  const stored = rows[0]?.[0] as string | undefined;
  if (stored === undefined) {
    await conn.run(`INSERT INTO db_meta VALUES ('key_fingerprint', $fp)`, { fp: fingerprint });
    return 'stored';
  }
  if (stored !== fingerprint) {
    throw new CitypulseError(
      `this database was written with another pseudonymisation key (fingerprint ${stored}; this run's key ${where} has ${fingerprint}): ` +
        'device ids would not match. Use the same key (CITYPULSE_KEY, CITYPULSE_KEY_FILE, --key-file, or the key dir $CITYPULSE_KEY_DIR), or write a new database',
      { kind: 'conflict', stored, given: fingerprint },
    );
  }
  return 'matched';
}
