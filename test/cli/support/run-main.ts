import { PassThrough, Readable, Writable } from 'node:stream';
import { JOB_REGISTRY } from '../../../jobs/index.ts';
import { main } from '../../../src/cli/main.ts';

/** A fixed test key (never a real one): ingest needs a pseudonymisation key. */
export const TEST_KEY = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';

/** Runs `citypulse …` in this process (no child start-up); resolves with exit code and output. */
export async function runMain(argv: string[], options: { stdin?: string; env?: NodeJS.ProcessEnv } = {}): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const sink = (into: string[]) => new Writable({ write: (c, _e, cb) => (into.push(String(c)), cb()) });
  const stdin = options.stdin === undefined ? new PassThrough() : Readable.from([Buffer.from(options.stdin)]);
  if (options.stdin === undefined) (stdin as PassThrough).end();
  const code = await main(
    argv,
    { env: { CITYPULSE_KEY: TEST_KEY, ...options.env }, stdout: sink(out), stderr: sink(err), stdin, signal: new AbortController().signal },
    { jobs: JOB_REGISTRY },
  );
  return { code, out: out.join(''), err: err.join('') };
}
