import { barChartSvg } from '../../src/outputs/charts/bar-chart.ts';
import { escapeXml } from '../../src/outputs/charts/escape-xml.ts';
import { lineChartSvg } from '../../src/outputs/charts/line-chart.ts';
import { stackedBarChartSvg } from '../../src/outputs/charts/stacked-bar-chart.ts';
import { heatmapSvg } from '../../src/outputs/export/heatmap-svg.ts';
import { wallTimeAt } from '../../src/core/zoned-time.ts';
import type { DailyReportData } from './daily-report-data.ts';

const CSS = `body{font:14px/1.4 system-ui,sans-serif;margin:24px auto;max-width:1100px;color:#222;padding:0 16px}
h1{font-size:22px;margin-bottom:4px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #ddd}
.meta{color:#666}.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:8px}
table{border-collapse:collapse;font-size:13px}td,th{padding:3px 8px;border-bottom:1px solid #eee;text-align:right}
td:first-child,th:first-child,td.l{text-align:left}.note{color:#666;font-size:12px}`;

/** Options of {@link renderDailyReport}. */
export interface RenderOptions {
  /** Attribution shown under maps and in the footer (e.g. the zone data's licence). */
  attribution?: string;
  /** Small multiples for at most this many areas. Default 100. */
  maxAreaCharts?: number;
}

/**
 * The daily report as one self-contained HTML page: inline SVG charts drawn here, no script, no
 * external resources (it opens offline and can be mailed). Pure: data in, text out.
 */
export function renderDailyReport(d: DailyReportData, options: RenderOptions = {}): string {
  const tz = d.timeZone;
  const time = (ms: number | null) => (ms === null ? '–' : hhmm(ms, tz));
  const fmt = (v: number | null, digits = 0) => (v === null ? '–' : v.toLocaleString('en-US', { maximumFractionDigits: digits }));
  const peak = d.city.reduce<number | null>((m, p) => (p[1] !== null && (m === null || p[1] > m) ? p[1] : m), null);
  const parts: string[] = [
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>citypulse daily report ${escapeXml(d.day)}</title><style>${CSS}</style></head><body>`,
    `<h1>citypulse — daily report ${escapeXml(d.day)}</h1>`,
    `<p class="meta">${escapeXml(tz)} day ${new Date(d.fromMs).toISOString()} – ${new Date(d.toMs).toISOString()} (${((d.toMs - d.fromMs) / 3_600_000).toFixed(0)} h) · ${d.city.length} windows · k-anonymity k = ${d.k} · generated ${new Date(d.generatedAt).toISOString()}</p>`,
    `<p>Peak people present: <b>${fmt(peak)}</b>.</p>`,
    '<h2>Population</h2>',
    lineChartSvg({ series: [{ name: 'people present', points: d.city }], title: 'People present, whole area', yLabel: 'people', timeZone: tz, width: 1000, height: 260 }),
  ];
  if (d.peakMap) {
    parts.push(heatmapSvg(d.peakMap.cells, {
      title: `Busiest window, ${time(d.peakMap.atMs)}`,
      subtitle: `people present per H3 hexagon (resolution ${d.peakMap.res}); hexagons with fewer than ${d.k} people left out`,
      outlines: d.areas.outlines,
      attribution: options.attribution,
      width: 800,
    }));
  }
  const areaWord = d.areas.kind === 'zones' ? 'district' : 'hexagon';
  parts.push(
    `<h2>By ${areaWord} — ${escapeXml(d.areas.label)}</h2>`,
    d.areas.kind === 'h3' ? '<p class="note">No zone system is loaded (<code>citypulse zones load</code>): areas are coarse H3 hexagons.</p>' : '',
    barChartSvg({ bars: d.areas.rows.map((r) => ({ label: r.name, value: r.meanPresent === null ? null : Math.round(r.meanPresent) })), title: `Mean people present per ${areaWord}`, valueLabel: 'people (mean over windows ≥ k)', width: 1000 }),
    '<div class="grid">',
  );
  for (const r of d.areas.rows.slice(0, options.maxAreaCharts ?? 100).filter((r) => r.series.length > 0)) {
    parts.push(lineChartSvg({ series: [{ name: r.name, points: r.series }], title: r.name, timeZone: tz, width: 340, height: 150, legend: false }));
  }
  parts.push('</div>', `<table><tr><th>${areaWord}</th><th>id</th><th>mean</th><th>peak</th><th>peak at</th>${d.areas.kind === 'zones' ? '<th>mean / km²</th>' : ''}</tr>`);
  for (const r of d.areas.rows) {
    parts.push(`<tr><td>${escapeXml(r.name)}</td><td class="l">${escapeXml(r.id)}</td><td>${fmt(r.meanPresent)}</td><td>${fmt(r.peakPresent)}</td><td>${time(r.peakAt)}</td>${d.areas.kind === 'zones' ? `<td>${fmt(r.perKm2, 1)}</td>` : ''}</tr>`);
  }
  parts.push('</table>');

  const q = d.quality;
  parts.push('<h2>Data quality</h2>', `<p>Dead letters: <b>${fmt(q.deadLetters.total)}</b>${q.deadLetters.withoutTime ? ` (${fmt(q.deadLetters.withoutTime)} without a readable time)` : ''}.</p>`);
  if (q.deadLetters.hours.length > 0) {
    parts.push(stackedBarChartSvg({ buckets: q.deadLetters.hours, bucketMs: 3_600_000, series: q.deadLetters.reasons, title: 'Dead letters per hour by reason', yLabel: 'records', timeZone: tz, width: 1000 }));
  }
  const lateTotal = q.lateEvents.reduce((s, r) => s + r.late, 0);
  parts.push(`<p>Late events (arrived after their window closed): <b>${fmt(lateTotal)}</b>.</p>`);
  if (q.lateEvents.length > 0) {
    parts.push('<table><tr><th>hour</th><th>source</th><th>late events</th><th>median lateness s</th><th>max lateness s</th></tr>');
    for (const r of q.lateEvents) parts.push(`<tr><td>${time(r.hour)}</td><td class="l">${escapeXml(r.source)}</td><td>${fmt(r.late)}</td><td>${fmt(r.medianS, 1)}</td><td>${fmt(r.maxS, 1)}</td></tr>`);
    parts.push('</table>');
  }
  parts.push(`<p>Silent cells (traffic in the reference week, none in the last 24 h): <b>${q.silentCells.length}</b>.</p>`);
  if (q.silentCells.length > 0) {
    parts.push('<table><tr><th>hexagon</th><th>reference events</th><th>last seen</th><th>antennas</th></tr>');
    for (const c of q.silentCells) parts.push(`<tr><td>${escapeXml(c.h3)}</td><td>${fmt(c.referenceEvents)}</td><td>${c.lastSeen === null ? '–' : new Date(c.lastSeen).toISOString()}</td><td class="l">${escapeXml(c.antennas.join(', '))}</td></tr>`);
    parts.push('</table>');
  }
  if (options.attribution) parts.push(`<p class="note">${escapeXml(options.attribution)}</p>`);
  parts.push('</body></html>\n');
  return parts.join('\n');
}

function hhmm(ms: number, tz: string): string {
  const w = wallTimeAt(ms, tz);
  return `${String(w.hour).padStart(2, '0')}:${String(w.minute).padStart(2, '0')}`;
}
