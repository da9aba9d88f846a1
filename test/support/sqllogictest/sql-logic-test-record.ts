/** How a query's result values are sorted before comparing (`query I rowsort`). */
export const SORT_MODES = ['nosort', 'rowsort', 'valuesort'] as const;
export type SortMode = (typeof SORT_MODES)[number];

/** `skipif <engine>` / `onlyif <engine>` lines before a record. */
export interface RecordCondition {
  readonly kind: 'skipif' | 'onlyif';
  readonly engine: string;
}

interface RecordBase {
  /** 1-based line of the record's first line (`statement …`, `query …`). */
  readonly line: number;
  readonly conditions: readonly RecordCondition[];
}

/** `statement ok|error|maybe` with its SQL and, for errors, the expected message text. */
export interface StatementRecord extends RecordBase {
  readonly kind: 'statement';
  readonly expect: 'ok' | 'error' | 'maybe';
  readonly sql: string;
  /** Lines after `----` joined with `\n`; the actual error must contain it. Empty: any error. */
  readonly expectedError: string;
}

/** `query <types> [sort] [label]` with its SQL and expected result lines. */
export interface QueryRecord extends RecordBase {
  readonly kind: 'query';
  /** One letter per column: `I` integer, `T` text, `R` real (informational in DuckDB). */
  readonly columnTypes: string;
  readonly sortMode: SortMode;
  readonly label: string | undefined;
  readonly sql: string;
  /** Lines after `----`: a row per line (tab-separated) or a value per line, or a hash line. */
  readonly expected: readonly string[];
}

/** Any other command line (`require h3`, `mode skip`, `halt`, `loop …`). */
export interface CommandRecord extends RecordBase {
  readonly kind: 'command';
  readonly command: string;
  readonly args: readonly string[];
}

/** One record of a sqllogictest file. */
export type SqlLogicTestRecord = StatementRecord | QueryRecord | CommandRecord;

/** Records that are test cases: they run SQL and check the outcome. */
export type SqlLogicTestCase = StatementRecord | QueryRecord;
