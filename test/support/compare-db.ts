import { DuckDBInstance } from '@duckdb/node-api';

/**
 * Differences between two citypulse databases: presence rows (all measures) and dead letters
 * (reason, detail, payload) as multisets. Empty arrays mean equal.
 */
export async function compareDatabases(a: string, b: string): Promise<{ presence: number[]; dead: number[]; counts: number[] }> {
  const inst = await DuckDBInstance.create(':memory:');
  const c = await inst.connect();
  try {
    await c.run(`ATTACH '${a}' AS a (READ_ONLY); ATTACH '${b}' AS b (READ_ONLY)`);
    const one = async (sql: string) => Number((await c.runAndReadAll(sql)).getRowsJS()[0]![0]);
    const P = 'window_start, window_end, h3, res, present, active, events';
    const D = 'reason, detail, payload';
    const presence = [
      await one(`SELECT count(*) FROM (SELECT ${P} FROM a.presence EXCEPT ALL SELECT ${P} FROM b.presence)`),
      await one(`SELECT count(*) FROM (SELECT ${P} FROM b.presence EXCEPT ALL SELECT ${P} FROM a.presence)`),
    ].filter((n) => n > 0);
    const dead = [
      await one(`SELECT count(*) FROM (SELECT ${D} FROM a.dead_letters EXCEPT ALL SELECT ${D} FROM b.dead_letters)`),
      await one(`SELECT count(*) FROM (SELECT ${D} FROM b.dead_letters EXCEPT ALL SELECT ${D} FROM a.dead_letters)`),
    ].filter((n) => n > 0);
    const counts = [
      await one('SELECT count(*) FROM a.presence'),
      await one('SELECT count(*) FROM b.presence'),
      await one('SELECT count(*) FROM a.dead_letters'),
      await one('SELECT count(*) FROM b.dead_letters'),
    ];
    return { presence, dead, counts };
  } finally {
    c.closeSync();
    inst.closeSync();
  }
}
