import type { Command, CommandContext } from './command.ts';
import { UsageError } from './command.ts';
import { commands } from './commands/index.ts';

const VERSION = '0.1.0';

function topHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `citypulse ${VERSION} — mobile network data → H3 population heatmaps, crowd alerts and OD matrices

Usage: citypulse <command> [options]      (citypulse <command> --help for details)

Commands:
${lines.join('\n')}

Environment:
  CITYPULSE_KEY        pseudonymisation key (hex or text); default: a key file created on first run
  CITYPULSE_KEY_FILE   where the generated key lives (default <key dir>/pseudonym.key)
  CITYPULSE_KEY_DIR    the key dir (default $XDG_CONFIG_HOME/citypulse or ~/.config/citypulse)
  CITYPULSE_BROKERS    default Kafka brokers for publish/stream (default 127.0.0.1:9092)
`;
}

/** Runs the CLI with `argv` (without node and script). Resolves to the exit code. */
export async function main(argv: string[], ctx: CommandContext): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    ctx.stdout.write(topHelp());
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') {
    ctx.stdout.write(VERSION + '\n');
    return 0;
  }
  const command: Command | undefined = commands.find((c) => c.name === name);
  if (!command) {
    ctx.stderr.write(`citypulse: unknown command "${name}". Run citypulse --help for the list.\n`);
    return 2;
  }
  try {
    return await command.run(rest, ctx);
  } catch (err) {
    if (err instanceof UsageError) {
      ctx.stderr.write(`citypulse ${name}: ${err.message}\nRun citypulse ${name} --help for usage.\n`);
      return 2;
    }
    const e = err as Error;
    ctx.stderr.write(`citypulse ${name}: ${e.message}\n`);
    if (e.cause) ctx.stderr.write(`  caused by: ${(e.cause as Error).message ?? String(e.cause)}\n`);
    if (ctx.env.CITYPULSE_DEBUG) ctx.stderr.write(`${e.stack}\n`);
    return 1;
  }
}

/** Entry point used by bin/citypulse.js. */
export async function runFromProcess(): Promise<void> {
  // `citypulse … | head` closes the pipe early: stop quietly, as Unix tools do.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  // kafkajs schedules timers with negative delays on Node ≥ 23 (harmless, clamped to 1 ms); keep
  // every other warning.
  const builtin = process.listeners('warning');
  process.removeAllListeners('warning');
  process.on('warning', (w) => {
    if (w.name === 'TimeoutNegativeWarning') return;
    for (const l of builtin) l(w);
  });
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (sig: string) => {
    signals++;
    if (signals > 1) process.exit(130);
    process.stderr.write(`\ncitypulse: ${sig} received, finishing the batch in hand… (again to force)\n`);
    controller.abort(new Error(sig));
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  const code = await main(process.argv.slice(2), {
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    signal: controller.signal,
  });
  process.exitCode = code;
  // Client libraries (kafkajs after a broker outage) can leave timers behind; a finished command
  // must not hang on them.
  setTimeout(() => process.exit(code), 1_000).unref();
}
