/**
 * Removes string literals, quoted identifiers and comments from SQL so that
 * text inside them is not mistaken for a function call. Replaced by a space
 * to keep tokens apart.
 */
function stripLiteralsAndComments(sql: string): string {
  return sql.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|\/\*[\s\S]*?\*\//g, ' ');
}

/**
 * Names (lower case, sorted, distinct) of the functions called in `sql`
 * whose name starts with `prefix`: identifiers followed by `(` outside
 * string literals and comments.
 *
 * @example findFunctionCalls("SELECT h3_grid_disk(h3_latlng_to_cell(0, 0, 5), 1)", 'h3_')
 * // ['h3_grid_disk', 'h3_latlng_to_cell']
 */
export function findFunctionCalls(sql: string, prefix: string): string[] {
  const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const call = new RegExp(`(?<![\\w.])(${escaped}\\w*)\\s*\\(`, 'gi');
  const names = new Set<string>();
  for (const match of stripLiteralsAndComments(sql).matchAll(call)) {
    names.add(match[1]!.toLowerCase());
  }
  return [...names].sort();
}

/**
 * Names of tables, views, macros and sequences a statement creates, lower
 * case: cases that mention them depend on the statement having run.
 */
export function findCreatedNames(sql: string): string[] {
  const create =
    /\bcreate\s+(?:or\s+replace\s+)?(?:temp(?:orary)?\s+)?(?:table|view|macro|sequence|type)\s+(?:if\s+not\s+exists\s+)?([A-Za-z_][\w]*)/gi;
  return [...stripLiteralsAndComments(sql).matchAll(create)].map((match) => match[1]!.toLowerCase());
}

/** Whether `sql` mentions `name` as a whole identifier, outside literals and comments. */
export function mentionsName(sql: string, name: string): boolean {
  return new RegExp(`(?<![\\w])${name}(?![\\w])`, 'i').test(stripLiteralsAndComments(sql));
}
