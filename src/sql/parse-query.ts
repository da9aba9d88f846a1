import { basename } from 'node:path';
import type { NamedQuery, ParamSpec } from './named-query.ts';
import { QueryError } from './query-error.ts';

const FIELD = /^--\s*(name|purpose|param|returns):\s?(.*)$/;
const CONTINUATION = /^--\s{2,}(\S.*)$/;
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** A DuckDB type name as a header may write it: `INTEGER`, `DECIMAL(10, 2)`, `UBIGINT[]`, `DOUBLE PRECISION`. */
const TYPE = /^[A-Za-z][A-Za-z0-9_]*(?: [A-Za-z][A-Za-z0-9_]*)*(?:\(\s*\d+\s*(?:,\s*\d+\s*)?\))?(?:\[\])*$/;
const LITERAL = /^(?:'(?:[^']|'')*'|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|NULL|TRUE|FALSE)$/i;

/**
 * Parses a SQL file with a header of `-- key: value` comment lines at its top:
 *
 * ```sql
 * -- name: heatmap
 * -- purpose: population heatmap at a chosen H3 resolution, k-anonymised
 * -- param: res INTEGER = 8        -- H3 resolution
 * -- param: zone_system VARCHAR    -- required: no default
 * -- returns: window_start TIMESTAMPTZ, h3 UBIGINT, present BIGINT
 * SELECT …
 * ```
 *
 * A comment line indented by two or more spaces after `--` continues the previous field. Other comment
 * lines (`-- note: …`) are free text for readers of the file. The header ends at the first line that is not a comment. A file without a header
 * is a query without parameters, named after the file.
 * @throws QueryError naming the file and line for a malformed header.
 */
export function parseQuery(text: string, path: string): NamedQuery {
  const fallbackName = basename(path).replace(/\.sql$/i, '');
  const q: NamedQuery = { name: fallbackName, purpose: '', params: [], returns: '', sql: text, path };
  let last: { field: 'purpose' | 'returns' } | { field: 'param'; spec: ParamSpec } | undefined;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    if (!line.startsWith('--')) break;
    const where = `${path}:${i + 1}`;
    const field = FIELD.exec(line);
    if (field) {
      const [, key, raw] = field as unknown as [string, string, string];
      const value = raw.trim();
      if (key === 'name') {
        if (!IDENT.test(value)) throw new QueryError(`${where}: query name "${value}" must be a word (letters, digits, _)`, { path });
        q.name = value;
        last = undefined;
      } else if (key === 'purpose' || key === 'returns') {
        q[key] = value;
        last = { field: key };
      } else {
        const spec = parseParam(value, where, path);
        if (q.params.some((p) => p.name === spec.name)) throw new QueryError(`${where}: parameter "${spec.name}" is declared twice`, { path, params: [spec.name] });
        q.params.push(spec);
        last = { field: 'param', spec };
      }
      continue;
    }
    const more = CONTINUATION.exec(line)?.[1];
    if (more === undefined || last === undefined) {
      last = undefined; // a free comment line ends the field above it
      continue;
    }
    if (last.field === 'param') last.spec.doc = last.spec.doc ? `${last.spec.doc} ${more.replace(/^--\s*/, '')}` : more.replace(/^--\s*/, '');
    else q[last.field] = `${q[last.field]} ${more}`;
  }
  return q;
}

/** `res INTEGER = 8 -- doc` → a ParamSpec. Quotes protect `=` and `--` inside a default string. */
function parseParam(text: string, where: string, path: string): ParamSpec {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)\s+(.*)$/.exec(text);
  if (!m) throw new QueryError(`${where}: cannot read param "${text}" (expected: name TYPE [= default] [-- doc])`, { path });
  const name = m[1]!;
  const rest = m[2]!;
  let eq = -1;
  let doc = -1;
  let quoted = false;
  for (let i = 0; i < rest.length && doc < 0; i++) {
    const c = rest[i];
    if (c === "'") quoted = !quoted;
    else if (!quoted && c === '=' && eq < 0) eq = i;
    else if (!quoted && c === '-' && rest[i + 1] === '-') doc = i;
  }
  const typeEnd = eq >= 0 ? eq : doc >= 0 ? doc : rest.length;
  const type = rest.slice(0, typeEnd).trim().replace(/\s+/g, ' ');
  if (!TYPE.test(type)) throw new QueryError(`${where}: parameter "${name}" has no valid type (got "${type}")`, { path, params: [name] });
  const spec: ParamSpec = { name, type: type.toUpperCase() };
  if (eq >= 0) {
    const literal = rest.slice(eq + 1, doc >= 0 ? doc : rest.length).trim();
    if (!LITERAL.test(literal)) {
      throw new QueryError(`${where}: default of "${name}" must be a SQL literal ('text', a number, NULL, true or false), got ${literal || 'nothing'}`, { path, params: [name] });
    }
    spec.default = literal;
  }
  if (doc >= 0) {
    const d = rest.slice(doc + 2).trim();
    if (d) spec.doc = d;
  }
  return spec;
}
