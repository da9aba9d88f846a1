import type { IngestSummary } from '../../../pipelines/run-ingest.ts';
import { formatCount } from '../progress.ts';

/** The end-of-run summary of `ingest` (and `stream`): events in, dead letters by reason, late, windows. */
export function formatIngestSummary(s: IngestSummary, dbPath: string): string {
  const st = s.stats;
  const dead = Object.entries(st.deadLetters).filter(([, n]) => n > 0);
  const deadTotal = dead.reduce((a, [, n]) => a + n, 0);
  const lines = [
    `records in     ${st.records.toLocaleString('en-US')} (${st.payloads.toLocaleString('en-US')} lines)`,
    `accepted       ${st.accepted.toLocaleString('en-US')}`,
    `dead letters   ${deadTotal.toLocaleString('en-US')}${dead.length ? '  — ' + dead.map(([r, n]) => `${r}: ${n}`).join(', ') : ''}`,
    `late events    ${st.late.toLocaleString('en-US')}`,
    `windows        ${st.windowsClosed} closed, ${st.presenceRows.toLocaleString('en-US')} (window, cell) rows`,
    `devices peak   ${s.deviceCountPeak.toLocaleString('en-US')} held in window state`,
    `speed          ${formatCount(s.recordsPerSecond)} records/s (${s.seconds.toFixed(2)} s)`,
    `database       ${dbPath}`,
  ];
  return lines.join('\n') + '\n';
}
