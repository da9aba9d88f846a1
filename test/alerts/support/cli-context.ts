import { PassThrough, Writable } from 'node:stream';
import type { CommandContext } from '../../../src/cli/command.ts';

/** A CommandContext whose stdout/stderr are collected into strings. */
export function cliContext(env: NodeJS.ProcessEnv = {}, signal: AbortSignal = new AbortController().signal) {
  const out: string[] = [];
  const err: string[] = [];
  const sink = (into: string[]) =>
    new Writable({
      write(chunk, _enc, cb) {
        into.push(String(chunk));
        cb();
      },
    });
  const ctx: CommandContext = { env, stdout: sink(out), stderr: sink(err), stdin: new PassThrough(), signal };
  return { ctx, stdout: () => out.join(''), stderr: () => err.join('') };
}
