import type { DuckDBConnection, DuckDBPreparedStatement, DuckDBType, DuckDBValue } from '@duckdb/node-api';
import type { NamedQuery, ParamSpec } from './named-query.ts';
import { QueryError } from './query-error.ts';
import { unknownZoneSystem } from '../zones/unknown-zone-system.ts';
import type { QueryParams } from './query-params.ts';

/** The smallest k-anonymity threshold a query may run with: a count of 1 is one person. */
const MIN_K = 2;
const TIME_TYPES = new Set(['TIMESTAMPTZ', 'TIMESTAMP', 'TIMESTAMP WITH TIME ZONE', 'DATE']);

/**
 * Checks `params` against the query's declared parameters and binds them to `prepared`, each value cast
 * by DuckDB to its declared type (never spliced into the SQL text). Checks, in order:
 * positional parameters (unsupported), parameters used in the SQL but not declared, unknown names,
 * missing values without default, values DuckDB cannot cast, and `k` (k-anonymity) below 2.
 * A number given for a TIMESTAMPTZ/TIMESTAMP/DATE parameter is epoch milliseconds.
 * @throws QueryError naming the parameters at fault.
 */
export async function bindQueryParams(conn: DuckDBConnection, prepared: DuckDBPreparedStatement, q: NamedQuery, params: QueryParams): Promise<void> {
  const ctx = { query: q.name, path: q.path };
  const used: string[] = [];
  for (let i = 1; i <= prepared.parameterCount; i++) used.push(prepared.parameterName(i));
  const positional = used.filter((n) => /^\d+$/.test(n));
  if (positional.length > 0) throw new QueryError(`query ${q.name}: positional parameters ($1, ?) are not supported; use named ones ($name) declared in the header`, ctx);
  const declared = new Map(q.params.map((p) => [p.name, p]));
  const undeclared = used.filter((n) => !declared.has(n));
  if (undeclared.length > 0) {
    throw new QueryError(
      `query ${q.name} uses ${undeclared.map((n) => '$' + n).join(', ')} without declaring ${undeclared.length > 1 ? 'them' : 'it'} (add "-- param: ${undeclared[0]} TYPE [= default]" to the header)`,
      { ...ctx, params: undeclared },
    );
  }
  const unknown = Object.keys(params).filter((n) => !declared.has(n));
  if (unknown.length > 0) {
    throw new QueryError(`unknown parameter${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} for query ${q.name} (it takes: ${q.params.map((p) => p.name).join(', ') || 'none'})`, { ...ctx, params: unknown });
  }
  const missing = q.params.filter((p) => !Object.hasOwn(params, p.name) && p.default === undefined).map((p) => p.name);
  if (missing.length > 0) {
    throw new QueryError(`missing parameter${missing.length > 1 ? 's' : ''} ${missing.join(', ')} for query ${q.name} (no default)`, { ...ctx, params: missing });
  }
  const cast = new Map<string, DuckDBPreparedStatement>();
  try {
    for (const spec of q.params) {
      const raw = Object.hasOwn(params, spec.name) ? params[spec.name]! : literalValue(spec.default!);
      const { value, type } = await castValue(conn, cast, spec, raw, q);
      if (spec.name === 'k') checkK(value, q);
      if (spec.name === 'zone_system' && typeof value === 'string' && used.includes(spec.name)) await checkZoneSystem(conn, value, q);
      if (used.includes(spec.name)) prepared.bindValue(prepared.parameterIndex(spec.name), value, type);
    }
  } finally {
    for (const p of cast.values()) p.destroySync();
  }
}

/** A header default literal → the value to cast: `'it''s'` → `it's`, `NULL` → null, `true` → true. */
function literalValue(literal: string): string | boolean | null {
  if (literal.startsWith("'")) return literal.slice(1, -1).replaceAll("''", "'");
  const upper = literal.toUpperCase();
  if (upper === 'NULL') return null;
  if (upper === 'TRUE' || upper === 'FALSE') return upper === 'TRUE';
  return literal;
}

async function castValue(
  conn: DuckDBConnection,
  cache: Map<string, DuckDBPreparedStatement>,
  spec: ParamSpec,
  raw: string | number | boolean | null,
  q: NamedQuery,
): Promise<{ value: DuckDBValue; type: DuckDBType }> {
  const epochMs = typeof raw === 'number' && TIME_TYPES.has(spec.type);
  // spec.type passed the header's type-name pattern, so it is safe in the statement text.
  const key = `${epochMs}:${spec.type}`;
  let stmt = cache.get(key);
  if (!stmt) {
    stmt = await conn.prepare(epochMs ? `SELECT CAST(TIMESTAMPTZ '1970-01-01 00:00:00+00' + to_milliseconds($v::BIGINT) AS ${spec.type})` : `SELECT CAST($v::VARCHAR AS ${spec.type})`);
    cache.set(key, stmt);
  }
  if (raw === null) stmt.bindNull(1);
  else stmt.bindVarchar(1, String(raw));
  try {
    const reader = await stmt.runAndReadAll();
    return { value: reader.getRows()[0]![0]!, type: reader.columnType(0) };
  } catch (cause) {
    const first = (cause as Error).message.split('\n')[0];
    throw new QueryError(`parameter ${spec.name} of query ${q.name}: cannot read ${JSON.stringify(raw)} as ${spec.type} (${first})`, { query: q.name, path: q.path, params: [spec.name], cause });
  }
}

/** A `zone_system` parameter must name a loaded zone system: an unknown one would silently give no rows. */
async function checkZoneSystem(conn: DuckDBConnection, system: string, q: NamedQuery): Promise<void> {
  let known: string[];
  try {
    const r = await conn.runAndReadAll('SELECT DISTINCT zone_system FROM zones ORDER BY 1');
    known = r.getRowsJS().map((row) => String(row[0]));
  } catch {
    known = []; // no zones table: nothing loaded
  }
  if (known.includes(system)) return;
  const err = unknownZoneSystem(system, known);
  throw new QueryError(err.message, { kind: 'not_found', query: q.name, path: q.path, params: ['zone_system'] });
}

function checkK(value: DuckDBValue, q: NamedQuery): void {
  const k = typeof value === 'number' || typeof value === 'bigint' ? Number(value) : NaN;
  if (!Number.isInteger(k) || k < MIN_K) {
    throw new QueryError(`parameter k of query ${q.name}: the k-anonymity threshold must be an integer ≥ ${MIN_K}, got ${value === null ? 'NULL' : String(value)}`, {
      query: q.name,
      path: q.path,
      params: ['k'],
    });
  }
}
