import { UsageError, type Command, type CommandContext } from './command.ts';
import { createCommands, type CliApp } from './commands/index.ts';
import { describeError } from './describe-error.ts';
import { createCliLogger } from './log/create-cli-logger.ts';
import { isLogFormat, LOG_FORMATS, type LogFormat } from '../core/log/log-format.ts';
import { quietKafkajsTimerWarnings } from '../core/quiet-kafkajs-warnings.ts';

const VERSION = '0.1.0';

function topHelp(commands: Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `citypulse ${VERSION} — mobile network data → H3 population heatmaps, crowd alerts and OD matrices

Usage: citypulse [--log-format text|json] <command> [options]      (citypulse <command> --help for details)

Commands:
${lines.join('\n')}

Global options:
  --log-format F       text (default): readable diagnostics on stderr; json: one JSON object per line
                       (also $CITYPULSE_LOG_FORMAT). Results still go to stdout.

Environment:
  CITYPULSE_KEY        pseudonymisation key (hex or text); default: a key file created on first run
  CITYPULSE_KEY_FILE   where the generated key lives (default <key dir>/pseudonym.key)
  CITYPULSE_KEY_DIR    the key dir (default $XDG_CONFIG_HOME/citypulse or ~/.config/citypulse)
  CITYPULSE_BROKERS    default Kafka brokers for publish/stream (default 127.0.0.1:9092)
  CITYPULSE_LOG_FORMAT text | json, as --log-format
  CITYPULSE_DEBUG=1    print the stack of an error after its one-line message
`;
}

/**
 * Takes `--log-format F` / `--log-format=F` out of `argv` (anywhere before `--`), else reads
 * `$CITYPULSE_LOG_FORMAT`. Returns the format, or an error message naming the flag or variable.
 */
export function extractLogFormat(argv: string[], env: NodeJS.ProcessEnv): { argv: string[]; format: LogFormat } | { error: string } {
  const rest: string[] = [];
  let flag: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (a === '--log-format') {
      flag = argv[++i] ?? '';
      continue;
    }
    if (a.startsWith('--log-format=')) {
      flag = a.slice('--log-format='.length);
      continue;
    }
    rest.push(a);
  }
  if (flag !== undefined && !isLogFormat(flag)) return { error: `--log-format must be one of ${LOG_FORMATS.join(', ')}, got "${flag}"` };
  const fromEnv = env.CITYPULSE_LOG_FORMAT;
  if (flag === undefined && fromEnv !== undefined && fromEnv !== '' && !isLogFormat(fromEnv)) {
    return { error: `$CITYPULSE_LOG_FORMAT must be one of ${LOG_FORMATS.join(', ')}, got "${fromEnv}"` };
  }
  return { argv: rest, format: (flag ?? (fromEnv || 'text')) as LogFormat };
}

/**
 * Runs the CLI with `argv` (without node and script). Resolves to the exit code. A failure prints one
 * line (its cause chain folded in) and exits with its kind's code: 2 for the user's input, 1 otherwise;
 * the stack follows only with CITYPULSE_DEBUG=1.
 */
export async function main(argv: string[], context: CommandContext, app: CliApp = {}): Promise<number> {
  const commands = createCommands(app);
  const lf = extractLogFormat(argv, context.env);
  const log = context.log ?? createCliLogger({ stream: context.stderr, format: 'error' in lf ? 'text' : lf.format });
  if ('error' in lf) {
    log({ type: 'cli.error', command: null, kind: 'usage', exitCode: 2, message: lf.error });
    return 2;
  }
  const ctx: CommandContext = { ...context, log, logFormat: context.logFormat ?? lf.format };
  const [name, ...rest] = lf.argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    ctx.stdout.write(topHelp(commands));
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') {
    ctx.stdout.write(VERSION + '\n');
    return 0;
  }
  const command: Command | undefined = commands.find((c) => c.name === name);
  if (!command) {
    log({ type: 'cli.error', command: null, kind: 'usage', exitCode: 2, message: `unknown command "${name}" (run citypulse --help for the list)` });
    return 2;
  }
  try {
    return await command.run(rest, ctx);
  } catch (err) {
    const d = describeError(err);
    // Flag mistakes point at the help; a bad file or value says what is wrong in it already.
    const hint = err instanceof UsageError ? ` (see citypulse ${name} --help)` : '';
    const stack = ctx.env.CITYPULSE_DEBUG && err instanceof Error && err.stack ? { stack: err.stack } : {};
    log({ type: 'cli.error', command: name, kind: d.kind, exitCode: d.exitCode, message: d.message + hint, ...stack });
    return d.exitCode;
  }
}

/** Entry point used by bin/citypulse.js, which passes the parts outside `src/` (the job registry). */
export async function runFromProcess(app: CliApp = {}): Promise<void> {
  // `citypulse … | head` closes the pipe early: stop quietly, as Unix tools do.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  quietKafkajsTimerWarnings();
  const lf = extractLogFormat(process.argv.slice(2), process.env);
  const log = createCliLogger({ stream: process.stderr, format: 'error' in lf ? 'text' : lf.format });
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (sig: string) => {
    signals++;
    if (signals > 1) process.exit(130);
    log({ type: 'cli.signal', signal: sig });
    controller.abort(new Error(sig));
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  const code = await main(
    process.argv.slice(2),
    { env: process.env, stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, signal: controller.signal, log },
    app,
  );
  process.exitCode = code;
  // Client libraries (kafkajs after a broker outage) can leave timers behind; a finished command
  // must not hang on them.
  setTimeout(() => process.exit(code), 1_000).unref();
}
