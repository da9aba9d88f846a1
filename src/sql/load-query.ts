import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SQL_DIR } from './default-sql-dir.ts';
import { listQueries } from './list-queries.ts';
import type { NamedQuery } from './named-query.ts';
import { parseQuery } from './parse-query.ts';
import { QueryError } from './query-error.ts';

/**
 * Loads a query by name (`heatmap` → `<dir>/heatmap.sql`) or by path (anything with a `/` or ending in
 * `.sql`, relative to the working directory).
 * @param dir the query folder; default the repository's `sql/` ({@link DEFAULT_SQL_DIR}).
 * @throws QueryError naming the available queries when the name is unknown.
 * @example
 * const q = loadQuery('heatmap');
 * const result = await runQuery(conn, q, { res: 8, k: 20 });
 */
export function loadQuery(nameOrPath: string, dir: string = DEFAULT_SQL_DIR): NamedQuery {
  const isPath = nameOrPath.includes('/') || nameOrPath.includes('\\') || nameOrPath.toLowerCase().endsWith('.sql');
  const path = isPath ? nameOrPath : join(dir, `${nameOrPath}.sql`);
  if (!existsSync(path) || !statSync(path).isFile()) {
    if (isPath) throw new QueryError(`no SQL file at ${path}`, { path });
    const names = existsSync(dir) ? listQueries(dir).map((q) => q.name) : [];
    throw new QueryError(`unknown query "${nameOrPath}" in ${dir} (available: ${names.join(', ') || 'none'})`, { query: nameOrPath, path });
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new QueryError(`cannot read ${path}: ${(cause as Error).message}`, { path, cause });
  }
  return parseQuery(text, path);
}
