import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SQL_DIR } from './default-sql-dir.ts';
import type { QueryInfo } from './named-query.ts';
import { parseQuery } from './parse-query.ts';

/**
 * The queries of a folder (every `*.sql`, by name), with their headers but not their SQL.
 * @param dir default the repository's `sql/` ({@link DEFAULT_SQL_DIR}).
 * @throws QueryError when a header is malformed (a broken file should not hide silently).
 */
export function listQueries(dir: string = DEFAULT_SQL_DIR): QueryInfo[] {
  return readdirSync(dir)
    .filter((f) => f.toLowerCase().endsWith('.sql'))
    .sort()
    .map((f) => {
      const path = join(dir, f);
      const { sql: _sql, ...info } = parseQuery(readFileSync(path, 'utf8'), path);
      return info;
    });
}
