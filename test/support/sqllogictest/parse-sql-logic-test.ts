import { SORT_MODES } from './sql-logic-test-record.ts';
import type { RecordCondition, SortMode, SqlLogicTestRecord } from './sql-logic-test-record.ts';

/** A malformed sqllogictest file, with the file and line at fault. */
export class SqlLogicTestParseError extends Error {
  override readonly name = 'SqlLogicTestParseError';
  readonly file: string;
  readonly line: number;

  constructor(message: string, context: { file: string; line: number }) {
    super(`${context.file}:${context.line}: ${message}`);
    this.file = context.file;
    this.line = context.line;
  }
}

const isSortMode = (word: string | undefined): word is SortMode =>
  word !== undefined && (SORT_MODES as readonly string[]).includes(word);

/**
 * Parses DuckDB's sqllogictest format: records separated by blank lines,
 * `#` comment lines between records, `statement ok|error|maybe` and
 * `query <types> [sort] [label]` blocks whose SQL runs until `----` (or the
 * blank line ending the record), expected output after `----`, and other
 * command lines (`require`, `mode`, `halt`, `loop`, …) kept as commands.
 * `skipif`/`onlyif` lines attach to the next record.
 *
 * @param text file contents
 * @param file name used in error messages
 * @throws SqlLogicTestParseError on a malformed record header
 */
export function parseSqlLogicTest(text: string, file = '<input>'): SqlLogicTestRecord[] {
  const lines = text.split(/\r?\n/);
  const records: SqlLogicTestRecord[] = [];
  let conditions: RecordCondition[] = [];
  let i = 0;

  // Reads lines until a blank line (or `----` when stopAtSeparator); leaves i on the stopper.
  const readBlock = (stopAtSeparator: boolean): string[] => {
    const block: string[] = [];
    while (i < lines.length && lines[i]!.trim() !== '' && !(stopAtSeparator && lines[i]!.trim() === '----')) {
      block.push(lines[i]!);
      i++;
    }
    return block;
  };
  const readExpected = (): string[] => {
    if (i < lines.length && lines[i]!.trim() === '----') {
      i++;
      return readBlock(false);
    }
    return [];
  };

  while (i < lines.length) {
    const raw = lines[i]!;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      i++;
      continue;
    }
    const lineNumber = i + 1;
    const words = trimmed.split(/\s+/);
    const command = words[0]!;
    i++;
    switch (command) {
      case 'skipif':
      case 'onlyif':
        conditions.push({ kind: command, engine: words[1] ?? '' });
        continue;
      case 'statement': {
        const expect = words[1];
        if (expect !== 'ok' && expect !== 'error' && expect !== 'maybe') {
          throw new SqlLogicTestParseError(`statement needs ok, error or maybe, got "${expect ?? ''}"`, {
            file,
            line: lineNumber,
          });
        }
        const sql = readBlock(true).join('\n');
        const expectedError = readExpected().join('\n');
        records.push({ kind: 'statement', line: lineNumber, conditions, expect, sql, expectedError });
        break;
      }
      case 'query': {
        const columnTypes = words[1];
        if (columnTypes === undefined) {
          throw new SqlLogicTestParseError('query needs column types (e.g. "query I")', { file, line: lineNumber });
        }
        const sortMode = isSortMode(words[2]) ? words[2] : 'nosort';
        const label = isSortMode(words[2]) ? words[3] : words[2];
        const sql = readBlock(true).join('\n');
        const expected = readExpected();
        records.push({ kind: 'query', line: lineNumber, conditions, columnTypes, sortMode, label, sql, expected });
        break;
      }
      default:
        records.push({ kind: 'command', line: lineNumber, conditions, command, args: words.slice(1) });
    }
    conditions = [];
  }
  return records;
}
