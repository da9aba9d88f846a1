import { UserInputError } from '../core/citypulse-error.ts';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { LogFormat } from '../core/log/log-format.ts';
import type { Logger } from '../core/log/logger.ts';
import { createCliLogger } from './log/create-cli-logger.ts';
import type { LogEvent } from './log/log-event.ts';

/** What a CLI command needs from its environment; entry points build it, commands never read globals. */
export interface CommandContext {
  /** Process environment (only entry points read it, and pass config down). */
  env: NodeJS.ProcessEnv;
  /** Where human-readable output goes. */
  stdout: NodeJS.WritableStream;
  /** Where progress and diagnostics go. */
  stderr: NodeJS.WritableStream;
  /** Standard input, for `-` sources. */
  stdin: NodeJS.ReadableStream;
  /** Cancelled on SIGINT/SIGTERM. */
  signal: AbortSignal;
  /**
   * Where diagnostics go as typed events (text or JSON lines, chosen by `main` from `--log-format` /
   * `CITYPULSE_LOG_FORMAT`). Default: text lines on {@link stderr}; read it through {@link logOf}.
   */
  log?: Logger<LogEvent>;
  /** The format `log` writes (`text` when absent), for commands that build a logger of their own. */
  logFormat?: LogFormat;
}

const defaultLoggers = new WeakMap<NodeJS.WritableStream, Logger<LogEvent>>();

/** The context's logger: `ctx.log`, else text lines on `ctx.stderr`. */
export function logOf(ctx: Pick<CommandContext, 'log' | 'stderr'>): Logger<LogEvent> {
  if (ctx.log) return ctx.log;
  let log = defaultLoggers.get(ctx.stderr);
  if (!log) defaultLoggers.set(ctx.stderr, (log = createCliLogger({ stream: ctx.stderr })));
  return log;
}

/** One `citypulse <name>` sub-command. */
export interface Command {
  name: string;
  /** One line for `citypulse --help`. */
  summary: string;
  /** Full `--help` text. */
  help: string;
  /** Runs the command; resolves to the process exit code. */
  run(argv: string[], ctx: CommandContext): Promise<number>;
}

/** A usage error: printed with the command's help hint, exit code 2. */
export class UsageError extends UserInputError {
  override name = 'UsageError';
}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Parses `argv` with node:util parseArgs, adding `--help`. Unknown flags are a {@link UsageError}.
 * Returns `null` when `--help` was asked for (after printing `help`).
 */
export function parseCommandArgs<O extends Options>(
  argv: string[],
  options: O,
  help: string,
  ctx: Pick<CommandContext, 'stdout'>,
  allowPositionals = false,
) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals,
      strict: true,
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if ((parsed.values as { help?: boolean }).help) {
    ctx.stdout.write(help.endsWith('\n') ? help : help + '\n');
    return null;
  }
  return parsed;
}

/** Reads a required string flag, or throws a {@link UsageError} naming it. */
export function required(values: Record<string, unknown>, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v === '') throw new UsageError(`--${name} is required`);
  return v;
}

/** Runs one sub-command (`citypulse sql run …`) with the arguments after it. */
export type SubcommandHandler = (argv: string[], ctx: CommandContext) => number | Promise<number>;

/**
 * Dispatches `citypulse <command> <sub> …` through a table of sub-commands: no sub-command prints the
 * help (exit 2), `--help` prints it (exit 0), an unknown one is a {@link UsageError} listing the table.
 */
export async function dispatchSubcommand(
  command: string,
  argv: string[],
  ctx: CommandContext,
  help: string,
  table: Record<string, SubcommandHandler>,
): Promise<number> {
  const [what, ...rest] = argv;
  if (what === '--help' || what === '-h' || what === undefined) {
    ctx.stdout.write(help);
    return what === undefined ? 2 : 0;
  }
  const handler = Object.hasOwn(table, what) ? table[what] : undefined;
  if (!handler) throw new UsageError(`unknown ${command} sub-command "${what}" (available: ${Object.keys(table).join(', ')})`);
  return handler(rest, ctx);
}
