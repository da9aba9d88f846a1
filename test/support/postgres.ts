// Test helper: a real PostgreSQL server for vitest suites, with a throw-away database per suite.
//
//   const pg = await ensurePostgres();                       // top level of the test file
//   describe.skipIf(pg.skipped)('...', () => { const db = await createTestDatabase(pg, 'unit'); … await db.drop(); });
//
// - The server: $CITYPULSE_TEST_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres.
// - Unreachable → `skipped: reason`, except under CI=true, where it throws (CI never silently skips).
// - Databases are named citypulse_test_pg_<suite>_<random> and dropped by `drop()`.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface PostgresInfo {
  /** URL of the server's maintenance database. */
  url: string;
  skipped?: string;
}

export interface TestDatabase {
  name: string;
  url: string;
  /** Runs one query on the test database (a fresh connection each time). */
  query<T extends pg.QueryResultRow = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

/** Finds the test server; see the file comment. */
export async function ensurePostgres(): Promise<PostgresInfo> {
  const url = process.env.CITYPULSE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await c.connect();
    await c.query('SELECT 1');
    return { url };
  } catch (err) {
    const reason = `PostgreSQL not reachable at ${url.replace(/:[^:@/]*@/, ':***@')}: ${(err as Error).message}`;
    if (process.env.CI === 'true') throw new Error(reason);
    return { url, skipped: reason };
  } finally {
    await c.end().catch(() => {});
  }
}

/** Creates an empty database `citypulse_test_pg_<suite>_<random>` on the server. */
export async function createTestDatabase(info: PostgresInfo, suite: string): Promise<TestDatabase> {
  const name = `citypulse_test_pg_${suite}_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: info.url });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const u = new URL(info.url);
  u.pathname = `/${name}`;
  const url = u.toString();
  return {
    name,
    url,
    async query(sql, params) {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        return (await c.query(sql, params)).rows;
      } finally {
        await c.end();
      }
    },
    drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}
