import type { LogFormat, LogLevel } from './log-format.ts';
import { LOG_LEVELS } from './log-format.ts';

/** Receives typed events (Kysely's `LogEvent` idea). Library code calls one; entry points choose the output. */
export type Logger<E extends { type: string }> = (event: E) => void;

/** Configuration of {@link createLogger}. */
export interface LoggerConfig<E extends { type: string }> {
  /** `text` (one readable line) or `json` (`{"time","level",…event}` per line). */
  format: LogFormat;
  /** Where a finished line goes (without its newline added: the logger adds `\n`). */
  write: (line: string) => void;
  /** The readable line for an event (text format). */
  text: (event: E) => string;
  /** The level of an event. */
  level: (event: E) => LogLevel;
  /** Events below this level are dropped. Default `info`. */
  minLevel?: LogLevel;
  /** Prefix text lines with the ISO time (long-running processes). Default false. */
  timestamps?: boolean;
  /** Clock for the `time` field. Default `Date.now`. */
  now?: () => number;
}

/**
 * A {@link Logger} writing one line per event: human text for terminals, JSON lines for production.
 * Text lines of level warn/error start with `warning:`/`error:` unless the renderer already says so.
 * @example
 * const log = createLogger({ format: 'json', write: (l) => process.stderr.write(l), text: (e) => e.type, level: () => 'info' });
 * log({ type: 'ingest.finished' }); // {"time":"…","level":"info","type":"ingest.finished"}
 */
export function createLogger<E extends { type: string }>(config: LoggerConfig<E>): Logger<E> {
  const min = LOG_LEVELS.indexOf(config.minLevel ?? 'info');
  const now = config.now ?? Date.now;
  return (event) => {
    const level = config.level(event);
    if (LOG_LEVELS.indexOf(level) < min) return;
    if (config.format === 'json') {
      config.write(JSON.stringify({ time: new Date(now()).toISOString(), level, ...event }, jsonSafe) + '\n');
      return;
    }
    let line = config.text(event);
    if (level === 'warn' && !/^warning\b/i.test(line)) line = `warning: ${line}`;
    if (config.timestamps) line = `${new Date(now()).toISOString()}  ${line}`;
    config.write(line + '\n');
  };
}

/** JSON.stringify replacer: bigints as exact strings. */
function jsonSafe(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}
