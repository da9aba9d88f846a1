import { Writable } from 'node:stream';
import { main } from '../../src/cli/main.ts';
import type { TaskReport } from '../lib/run-child.ts';

/** Arguments of {@link cliIngestTask}: the `citypulse ingest` arguments. */
export interface CliIngestArgs {
  argv: string[];
}

/**
 * Runs `citypulse ingest …` in this process (the same code path as bin/citypulse.js) and times the
 * command from argument parsing to the summary (cell table load, DuckDB open, ingest, final writes;
 * not Node's start-up). Events = the summary's `records in`.
 */
export async function cliIngestTask(a: CliIngestArgs): Promise<TaskReport> {
  let out = '';
  const stdout = new Writable({
    write(chunk, _enc, cb) {
      out += String(chunk);
      cb();
    },
  });
  const stderr = new Writable({ write: (_c, _e, cb) => cb() });
  const t0 = performance.now();
  const code = await main(['ingest', ...a.argv], { env: process.env, stdout, stderr, stdin: process.stdin, signal: new AbortController().signal });
  const seconds = (performance.now() - t0) / 1000;
  process.stderr.write(out);
  if (code !== 0) throw new Error(`citypulse ingest exited ${code}`);
  const num = (label: string) => Number(new RegExp(`^${label}\\s+([\\d,]+)`, 'm').exec(out)?.[1]?.replaceAll(',', '') ?? NaN);
  const inner = Number(/\(([\d.]+) s\)/.exec(out)?.[1] ?? NaN);
  return {
    seconds,
    events: num('records in'),
    extra: { accepted: num('accepted'), deadLetters: num('dead letters'), devicesPeak: num('devices peak'), ingestSeconds: inner },
  };
}
