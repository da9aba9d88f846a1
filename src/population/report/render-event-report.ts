import { barChartSvg } from '../../outputs/charts/bar-chart.ts';
import { escapeXml } from '../../outputs/charts/escape-xml.ts';
import { lineChartSvg } from '../../outputs/charts/line-chart.ts';
import type { EventReportData, Released } from './event-report-data.ts';

const CSS = `body{font:14px/1.4 system-ui,sans-serif;margin:24px auto;max-width:1100px;color:#222;padding:0 16px}
h1{font-size:22px;margin-bottom:4px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ddd}
.meta{color:#666}.kpi{display:flex;gap:16px;flex-wrap:wrap}.kpi div{border:1px solid #ddd;border-radius:6px;padding:8px 14px}
.kpi b{display:block;font-size:22px}.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(480px,1fr));gap:8px}
.note{color:#666;font-size:12px}`;

/**
 * The event report as one self-contained HTML page (inline SVG charts from src/jobs/charts, no script,
 * no external resources). Pure: data in, text out. Times in `timeZone` (default UTC).
 */
export function renderEventReport(d: EventReportData, timeZone = 'UTC'): string {
  const fmt = (v: Released) => (v === null ? `&lt; ${d.k}` : v.toLocaleString('en-US'));
  const at = (ms: number | null) => (ms === null ? '–' : new Date(ms).toLocaleString('en-GB', { timeZone, dateStyle: 'medium', timeStyle: 'short' }));
  const parts = [
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>citypulse event report ${escapeXml(d.area.name)}</title><style>${CSS}</style></head><body>`,
    `<h1>Event report — ${escapeXml(d.area.name)} <span class="meta">(${escapeXml(d.area.id)})</span></h1>`,
    `<p class="meta">${at(d.from)} – ${at(d.to)} (${escapeXml(timeZone)}) · k = ${d.k} · ${d.peoplePerDevice} people per device${d.area.capacity ? ` · capacity ${d.area.capacity.toLocaleString('en-US')}` : ''}</p>`,
    '<div class="kpi">',
    `<div>Attendance (unique devices)<b>${fmt(d.attendance.devices)}</b></div>`,
    `<div>Attendance (people, expanded)<b>${fmt(d.attendance.people)}</b></div>`,
    `<div>Peak occupancy (devices)<b>${fmt(d.peak.devices)}</b>at ${at(d.peak.at)}</div>`,
    `<div>Peak occupancy (people)<b>${fmt(d.peak.people)}</b></div>`,
    `<div>Baseline peak, same hours (devices)<b>${d.baseline ? fmt(d.baseline.peakDevices) : '–'}</b>${d.baseline ? `from ${at(d.baseline.from)}` : 'no baseline data'}</div>`,
    '</div>',
    '<h2>Occupancy</h2>',
    lineChartSvg({
      series: [{ name: 'event', points: d.occupancy }, ...(d.baseline ? [{ name: 'baseline day', points: d.baseline.occupancy }] : [])],
      title: 'Devices present in the area per window', yLabel: 'devices', timeZone, width: 1000, height: 260,
    }),
    '<h2>Arrivals and departures</h2>',
    lineChartSvg({
      series: [{ name: 'arrivals', points: d.arrivals }, { name: 'departures', points: d.departures }],
      title: `Stays starting / ending in the area per ${Math.round(d.binMs / 60_000)} min`, yLabel: 'devices', timeZone, width: 1000, height: 240,
    }),
    '<div class="grid">',
    `<div><h2>Dwell time</h2>${barChartSvg({ bars: d.dwell.map((b) => ({ label: b.label, value: b.devices })), title: 'Devices by time spent in the area', valueLabel: 'devices', width: 520 })}</div>`,
    `<div><h2>Origins</h2>${d.originsSuppressed || d.origins.length === 0
      ? `<p class="note">Origin breakdown withheld (small origins below k = ${d.k}).</p>`
      : barChartSvg({ bars: d.origins.map((o) => ({ label: o.origin, value: o.devices })), title: 'Attendees by origin (home district, roamer country)', valueLabel: 'devices', width: 520, color: '#f28e2b' })}</div>`,
    '</div>',
    `<p class="note">Attendance: devices with a stay (≥ 15 min at one place, docs/mobility.md) whose centre lies in the area, overlapping the span. Occupancy: devices present per presence window. Origins: the attendee's home district (home = most distinct nights), the country of an inbound roamer (MCC), or unknown. Counts in [1, k) are withheld (“&lt; k”); docs/population.md.</p>`,
    '</body></html>',
  ];
  return parts.join('\n') + '\n';
}
