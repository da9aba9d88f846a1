import { fmtRate } from './repeat.ts';
import type { BenchResult } from './result.ts';

/** The results as a Markdown table (readable in a terminal, pasted as is into the README). */
export function formatTable(results: readonly BenchResult[]): string {
  const head = ['benchmark', 'variant', 'events', 'time (median ±spread)', 'events/s', 'peak RSS', 'peer', 'ratio', 'detail', 'targets'];
  const rows = results.map((r) => [
    r.name,
    r.variant,
    r.events > 0 ? r.events.toLocaleString('en-US') : '—',
    Number.isFinite(r.seconds.median) ? `${fmtSeconds(r.seconds.median)} ±${(r.seconds.relative * 100).toFixed(0)}%` : '—',
    Number.isFinite(r.eventsPerSecond) ? fmtRate(r.eventsPerSecond) : '—',
    Number.isFinite(r.peakRssMiB) ? `${r.peakRssMiB.toFixed(0)} MiB` : '—',
    r.peer ? peerText(r) : '',
    r.ratio !== undefined ? `${r.ratio >= 10 ? r.ratio.toFixed(0) : r.ratio.toFixed(2)}×` : '',
    detail(r),
    r.targets.map((t) => `${t.met ? '✅' : '❌'} ${t.text}`).join('; '),
  ]);
  const lines = [head, head.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`);
  return lines.join('\n') + '\n';
}

/** 12.3 s, 1.23 s or 123 ms. */
export function fmtSeconds(s: number): string {
  return s >= 10 ? `${s.toFixed(1)} s` : s >= 1 ? `${s.toFixed(2)} s` : `${(s * 1000).toFixed(0)} ms`;
}

function peerText(r: BenchResult): string {
  const p = r.peer!;
  if (r.name === 'batch_vs_postgres' || r.name === 'checkpoint_state') return `${p.name} ${fmtSeconds(p.seconds.median)}`;
  return `${p.name} ${fmtRate(p.eventsPerSecond)}/s`;
}

/** The figures that matter beyond throughput, per benchmark. */
function detail(r: BenchResult): string {
  const m = r.metrics;
  const ms = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '—' : `${x < 10 ? x.toFixed(1) : x.toFixed(0)} ms`);
  switch (r.name) {
    case 'soak':
      return `sent ${m.sent?.toLocaleString('en-US')}, read ${m.read?.toLocaleString('en-US')}, Σ presence events = accepted ${m.presenceEvents === m.accepted ? 'yes' : 'NO'}; lag max ${m.lagMaxMsgs} msgs (last half ${m.lagMaxLastHalfMsgs}); RSS ${m.rssFirstMiB?.toFixed(0)} → ${m.rssLastMiB?.toFixed(0)} MiB, slope ${m.rssSlopeMiBPerMin?.toFixed(2)} MiB/min (heap ${m.heapSlopeMiBPerMin?.toFixed(2)}, DuckDB ${m.duckdbSlopeMiBPerMin?.toFixed(2)}); ${m.alerts} alerts, latency p50 ${ms(m.alertLatencyP50Ms)} / p99 ${ms(m.alertLatencyP99Ms)}`;
    case 'alert_latency': {
      const parts = [`${m.alerts ?? 0} alerts`, `emit p50 ${ms(m.emitP50Ms)} / p99 ${ms(m.emitP99Ms)}`];
      if (m.kafkaP99Ms !== undefined) parts.push(`via Kafka p50 ${ms(m.kafkaP50Ms)} / p99 ${ms(m.kafkaP99Ms)}`);
      if (m.webhookP99Ms !== undefined) parts.push(`webhook p99 ${ms(m.webhookP99Ms)}`);
      return parts.join('; ');
    }
    case 'memory_scaling':
      if (r.note?.startsWith('skipped')) return r.note;
      return `${(m.activeDevices ?? 0).toLocaleString('en-US')} active devices; ${(m.devicesPeak ?? 0).toLocaleString('en-US')} held at peak`;
    case 'checkpoint_state': {
      const s = /after (\d+) s/.exec(r.variant)?.[1];
      const mib = (b: number | undefined) => (b === undefined ? '—' : b >= 2 ** 20 ? `${(b / 2 ** 20).toFixed(1)} MiB` : `${(b / 1024).toFixed(0)} KiB`);
      return `${(m.devices ?? 0).toLocaleString('en-US')} devices held; stored ${mib(m[`delta${s}Bytes`])} vs whole ${mib(m[`full${s}Bytes`])} (${(m.bytesRatio ?? NaN).toFixed(0)}× less)`;
    }
    case 'batch_vs_postgres': {
      const cpu = m.cpuRatio !== undefined && Number.isFinite(m.cpuRatio) ? `; CPU ${fmtSeconds(m.spanCpuSeconds!)} vs ${fmtSeconds(m.peerSpanCpuSeconds!)} = ${m.cpuRatio.toFixed(2)}×` : '';
      const first = m.firstRatio !== undefined && Number.isFinite(m.firstRatio) ? `; first statement of the process/session: ${fmtSeconds(m.firstSeconds!)} vs ${fmtSeconds(m.peerFirstSeconds!)} = ${m.firstRatio.toFixed(2)}×` : '';
      return `results equal: ${m.resultsEqual ? 'yes' : 'NO'}; = streaming engine: ${m.equalToStreamingEngine ? 'yes' : 'NO'}${cpu}${first}`;
    }
    case 'batch_postgres': {
      const parts = m.backendPeakRssMiB !== undefined ? [`backend peak RSS ${m.backendPeakRssMiB.toFixed(0)} MiB`] : [];
      if (m.spanCpuSeconds !== undefined && Number.isFinite(m.spanCpuSeconds)) parts.push(`CPU ${fmtSeconds(m.spanCpuSeconds)} (parallel workers ${fmtSeconds(m.parallelWorkersCpuSeconds ?? 0)})`);
      return parts.join('; ');
    }
    case 'kafka_e2e_json':
    case 'kafka_e2e_batched':
      if (m.processingSeconds !== undefined) return `${(m.messages ?? 0).toLocaleString('en-US')} msgs; records processed in ${fmtSeconds(m.processingSeconds)}`;
      return r.note ?? '';
    case 'kafka_streams_peer':
      return m.rowsEqualToPeer !== undefined ? `rows equal to the peer: ${m.rowsEqualToPeer ? `yes (${(m.comparedRows ?? 0).toLocaleString('en-US')})` : `NO (${(m.differentRows ?? 0).toLocaleString('en-US')} differ)`}` : (r.note ?? '');
    case 'pipeline_messages':
      return m.eventsPerCpuSecond !== undefined ? `${fmtRate(m.eventsPerCpuSecond)} events per CPU-second of the span (${(m.spanCpuSeconds ?? 0).toFixed(2)} s CPU)` : '';
    case 'kafka_streams_app':
      return `late-dropped ${(m.droppedRecords ?? 0).toLocaleString('en-US')}; ${(m.rows ?? 0).toLocaleString('en-US')} rows`;
    default:
      return r.note?.startsWith('skipped') ? r.note : '';
  }
}
