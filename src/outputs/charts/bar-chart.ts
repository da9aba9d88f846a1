import { escapeXml } from './escape-xml.ts';
import { formatTick, niceTicks } from './nice-ticks.ts';

/** Options of {@link barChartSvg}. */
export interface BarChartConfig {
  bars: readonly { label: string; value: number | null }[];
  title?: string;
  /** Label under the value axis. */
  valueLabel?: string;
  /** Bar colour. Default `#4e79a7`. */
  color?: string;
  /** Width in pixels (height follows the number of bars). Default 640. */
  width?: number;
}

/** A horizontal bar chart as a standalone SVG string; `null` values show as "n/a" (e.g. below k). */
export function barChartSvg(cfg: BarChartConfig): string {
  const width = cfg.width ?? 640;
  const rowH = 16;
  // About 7 px per character at 11 px (capitals are wide); labels beyond 240 px are cut with an ellipsis.
  const labelW = Math.min(240, 12 + 7 * Math.max(4, ...cfg.bars.map((b) => b.label.length)));
  const maxChars = Math.floor((labelW - 12) / 7);
  const m = { top: cfg.title ? 26 : 8, right: 48, bottom: 28, left: labelW };
  const height = m.top + m.bottom + rowH * Math.max(1, cfg.bars.length);
  const values = cfg.bars.map((b) => b.value ?? 0);
  const ticks = niceTicks(0, Math.max(1, ...values), 4);
  const vMax = ticks[ticks.length - 1]!;
  const pw = width - m.left - m.right;
  const sx = (v: number) => m.left + (v / vMax) * pw;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
  ];
  if (cfg.title) out.push(`<text x="8" y="17" font-size="13" font-weight="bold">${escapeXml(cfg.title)}</text>`);
  const axisY = m.top + rowH * cfg.bars.length;
  for (const t of ticks) {
    out.push(`<line x1="${sx(t).toFixed(1)}" x2="${sx(t).toFixed(1)}" y1="${m.top}" y2="${axisY}" stroke="#eee"/>`);
    out.push(`<text x="${sx(t).toFixed(1)}" y="${axisY + 13}" text-anchor="middle" fill="#555">${formatTick(t)}</text>`);
  }
  if (cfg.valueLabel) out.push(`<text x="${m.left + pw / 2}" y="${height - 3}" text-anchor="middle" fill="#555">${escapeXml(cfg.valueLabel)}</text>`);
  cfg.bars.forEach((b, i) => {
    const y = m.top + i * rowH;
    const label = b.label.length > maxChars ? b.label.slice(0, maxChars - 1) + '…' : b.label;
    out.push(`<text x="${m.left - 6}" y="${y + 12}" text-anchor="end">${escapeXml(label)}</text>`);
    if (b.value === null) {
      out.push(`<text x="${m.left + 4}" y="${y + 12}" fill="#999">n/a</text>`);
      return;
    }
    out.push(`<rect x="${m.left}" y="${y + 2}" width="${Math.max(0, sx(b.value) - m.left).toFixed(1)}" height="${rowH - 4}" fill="${cfg.color ?? '#4e79a7'}"><title>${escapeXml(`${b.label}: ${b.value}`)}</title></rect>`);
    out.push(`<text x="${(sx(b.value) + 4).toFixed(1)}" y="${y + 12}" fill="#333">${formatTick(b.value)}</text>`);
  });
  out.push('</svg>');
  return out.join('');
}
