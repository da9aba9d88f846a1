/** What the HTTP server reports to its logger (typed, like Kysely's LogEvent). */
export type HttpLogEvent =
  | { type: 'listening'; url: string; db: string; k: number }
  | { type: 'request'; method: string; path: string; status: number; ms: number; bytes: number }
  | { type: 'error'; method: string; path: string; error: string; stack?: string }
  | { type: 'closing'; reason: string; inFlight: number }
  | { type: 'closed' };

/** Receives {@link HttpLogEvent}s. Library code never prints; the CLI chooses the format. */
export type HttpLogger = (event: HttpLogEvent) => void;

/** A logger that drops everything (the default). */
export const silentHttpLogger: HttpLogger = () => {};

/** One readable line for a terminal. */
export function formatHttpLogEvent(e: HttpLogEvent): string {
  switch (e.type) {
    case 'listening':
      // The URL itself is the command's output (stdout); the log line does not repeat it.
      return `serve    listening (db ${e.db}, read-only, k=${e.k}); Ctrl-C stops`;
    case 'request':
      return `http     ${e.method} ${e.path} → ${e.status} ${e.bytes} B ${e.ms.toFixed(0)} ms`;
    case 'error':
      return `http     ${e.method} ${e.path}: ${e.error}${e.stack ? `\n${e.stack}` : ''}`;
    case 'closing':
      return `serve    ${e.reason}: closing (${e.inFlight} request${e.inFlight === 1 ? '' : 's'} in flight)`;
    case 'closed':
      return 'serve    closed';
  }
}
