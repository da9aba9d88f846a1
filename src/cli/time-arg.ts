import { UsageError } from './command.ts';

/** Reads a time flag: RFC 3339 / ISO 8601 (`2026-03-02T08:00Z`, `2026-03-02`) or epoch ms. */
export function parseTimeArg(text: string | undefined, flag: string): number | undefined {
  if (text === undefined || text === '') return undefined;
  if (/^\d{10,}$/.test(text)) return Number(text);
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new UsageError(`${flag}: cannot read time "${text}" (use e.g. 2026-03-02T08:00:00Z or epoch ms)`);
  return ms;
}
