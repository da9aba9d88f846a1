import { describe, expect, it } from 'vitest';
import { DUCKDB_SIZE, openDatabase } from '../../src/outputs/duckdb/open.ts';
import { runMain } from './support/run-main.ts';

describe('DuckDB memory limit', () => {
  it('openDatabase passes memoryLimit to DuckDB as memory_limit; without it DuckDB keeps its own default', async () => {
    const limited = await openDatabase(':memory:', { memoryLimit: '256MiB' });
    const plain = await openDatabase(':memory:');
    try {
      const setting = async (db: typeof limited) => (await db.connection.runAndReadAll(`SELECT current_setting('memory_limit')`)).getRowsJS()[0]![0];
      expect(await setting(limited)).toBe('256.0 MiB');
      expect(await setting(plain)).not.toBe('256.0 MiB');
    } finally {
      limited.close();
      plain.close();
    }
  });

  it('backgroundPurge turns on DuckDB\'s allocator background thread (off by default)', async () => {
    const purging = await openDatabase(':memory:', { backgroundPurge: true });
    const plain = await openDatabase(':memory:');
    try {
      const setting = async (db: typeof plain) => (await db.connection.runAndReadAll(`SELECT current_setting('allocator_background_threads')`)).getRowsJS()[0]![0];
      expect(await setting(purging)).toBe(true);
      expect(await setting(plain)).toBe(false);
    } finally {
      purging.close();
      plain.close();
    }
  });

  it('accepts sizes with a unit only', () => {
    for (const ok of ['1GiB', '512MB', '1.5 GB', '100000B', '2tib']) expect(DUCKDB_SIZE.test(ok), ok).toBe(true);
    for (const bad of ['12', 'GiB', '1 GiB extra', '-1GiB', '1e9B', '']) expect(DUCKDB_SIZE.test(bad), bad).toBe(false);
  });

  it('stream --duckdb-memory 12 is a usage error naming the flag, before any broker or file is touched', async () => {
    const r = await runMain(['stream', '--topics', 't', '--group', 'g', '--cells', 'no-such.csv', '--db', 'no-such.duckdb', '--duckdb-memory', '12']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^citypulse stream: --duckdb-memory "12": give a size with a unit, e.g. 512MiB or 2GiB/);
  });

  it('ingest --duckdb-memory 12 is a usage error naming the flag, before the input is read', async () => {
    const r = await runMain(['ingest', '--from', 'no-such.ndjson', '--cells', 'no-such.csv', '--db', 'no-such.duckdb', '--duckdb-memory', '12']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^citypulse ingest: --duckdb-memory "12": give a size with a unit, e.g. 256MiB or 1GiB/);
  });
});
