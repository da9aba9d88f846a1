/**
 * The main job's simulator thread: runs `citypulse simulate` with the argv it is given and posts
 * `{ code, stdout, stderr }` back when every output file is closed. Started by jobs/main.ts so the
 * simulation (one core) and the ingest following its events.ndjson (the other) overlap.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Readable, Writable } from 'node:stream';
import { main } from '../src/cli/main.ts';

const { argv, env } = workerData as { argv: string[]; env: NodeJS.ProcessEnv };
const out: string[] = [];
const err: string[] = [];
const code = await main(argv, {
  env,
  stdout: new Writable({ write: (c, _e, cb) => (out.push(String(c)), cb()) }),
  // Progress and diagnostics are kept for a failure report; the ingest's progress bar has the terminal.
  stderr: new Writable({ write: (c, _e, cb) => (err.push(String(c)), cb()) }),
  stdin: Readable.from([]),
  signal: new AbortController().signal,
});
parentPort!.postMessage({ code, stdout: out.join(''), stderr: err.join('') });
