import type { CorridorBin } from '../engine/corridor-bin.ts';
import { congestionColor } from './corridor-map-svg.ts';

/** Options of {@link speedStripSvg}. */
export interface SpeedStripOptions {
  title: string;
  /** Corridors (rows), top to bottom. */
  corridors: readonly string[];
  /** Width in px. [960] */
  width?: number;
}

/**
 * A speed heat-strip: one row per corridor, one column per bin, each cell coloured by congestion
 * (green free flow → red jammed; blank without a speed), with the speed in its tooltip and hour
 * ticks along the bottom (UTC). Standalone SVG.
 */
export function speedStripSvg(bins: readonly CorridorBin[], o: SpeedStripOptions): string {
  const width = o.width ?? 960;
  const rows = o.corridors;
  const times = bins.map((b) => b.binStart);
  if (rows.length === 0 || times.length === 0) return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="60"><text x="10" y="30" font-family="sans-serif">${esc(o.title)}: no bins</text></svg>`;
  const binMs = bins[0]!.binMs;
  const t0 = Math.min(...times), t1 = Math.max(...times) + binMs;
  const left = 150, top = 40, rowH = 16;
  const plotW = width - left - 20;
  const cols = Math.round((t1 - t0) / binMs);
  const cw = plotW / cols;
  const height = top + rows.length * rowH + 40;
  const rowOf = new Map(rows.map((c, i) => [c, i]));
  const cells = bins
    .filter((b) => rowOf.has(b.corridor) && b.speedKmh !== null)
    .map((b) => {
      const x = left + ((b.binStart - t0) / binMs) * cw, y = top + rowOf.get(b.corridor)! * rowH;
      return `<rect x="${x.toFixed(1)}" y="${y}" width="${Math.max(1, cw).toFixed(1)}" height="${rowH - 2}" fill="${congestionColor(b.congestion ?? 0)}"><title>${esc(b.corridor)} ${new Date(b.binStart).toISOString().slice(11, 16)}Z: ${b.speedKmh!.toFixed(0)} km/h, ${b.flow} devices</title></rect>`;
    })
    .join('');
  const labels = rows.map((c, i) => `<text x="${left - 6}" y="${top + i * rowH + 11}" font-size="10" text-anchor="end">${esc(c)}</text>`).join('');
  const ticks: string[] = [];
  for (let t = Math.ceil(t0 / 3_600_000) * 3_600_000; t <= t1; t += 3 * 3_600_000) {
    const x = left + ((t - t0) / binMs) * cw;
    ticks.push(`<line x1="${x.toFixed(1)}" x2="${x.toFixed(1)}" y1="${top - 4}" y2="${top + rows.length * rowH}" stroke="#ddd"/><text x="${x.toFixed(1)}" y="${top + rows.length * rowH + 14}" font-size="10" text-anchor="middle">${new Date(t).toISOString().slice(11, 16)}</text>`);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/><text x="10" y="22" font-size="15" font-weight="bold">${esc(o.title)}</text>
${ticks.join('')}${cells}${labels}
<text x="${left}" y="${height - 8}" font-size="10" fill="#666">UTC; colour: congestion (green free flow → red jammed), blank: fewer than 5 devices</text>
</svg>
`;
}

function esc(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}
