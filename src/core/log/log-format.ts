/** How log lines are written: `text` for a terminal, `json` (one object per line) for production. */
export const LOG_FORMATS = ['text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Severity of a log event, lowest first. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** True when `text` names a {@link LogFormat}. */
export function isLogFormat(text: unknown): text is LogFormat {
  return typeof text === 'string' && (LOG_FORMATS as readonly string[]).includes(text);
}
