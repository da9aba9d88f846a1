import { cellToBoundary } from 'h3-js';
import type { HeatmapCell } from './heatmap-query.ts';

/** Options of {@link heatmapSvg}. */
export interface HeatmapSvgOptions {
  title: string;
  subtitle?: string;
  /** Width in px. Default 900. */
  width?: number;
  /** Attribution line at the bottom (data sources). */
  attribution?: string;
  /** Zone outlines (GeoJSON Polygon/MultiPolygon rings as [lon, lat]) drawn under the hexagons. */
  outlines?: number[][][][];
}

/** A perceptual colour ramp (viridis-like) for t in [0, 1]. */
export function rampColor(t: number): string {
  const stops = [
    [68, 1, 84],
    [59, 82, 139],
    [33, 145, 140],
    [94, 201, 98],
    [253, 231, 37],
  ];
  const x = Math.max(0, Math.min(1, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const c = stops[i]!.map((v, k) => Math.round(v + (stops[i + 1]![k]! - v) * f));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

/**
 * Draws one window of a heatmap as a standalone SVG map: hexagons coloured by `present` on a
 * square-root scale, with a legend. No external resources, so it opens anywhere.
 */
export function heatmapSvg(cells: readonly HeatmapCell[], o: HeatmapSvgOptions): string {
  const width = o.width ?? 900;
  const rings = cells.map((c) => cellToBoundary(c.h3, true));
  const all: number[][] = [...rings.flat(), ...(o.outlines ?? []).flat(2)];
  if (all.length === 0) return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="120"><text x="20" y="60" font-family="sans-serif">${esc(o.title)}: no cells above the k-anonymity threshold</text></svg>`;
  const lons = all.map((p) => p[0]!);
  const lats = all.map((p) => p[1]!);
  const [minLon, maxLon, minLat, maxLat] = [Math.min(...lons), Math.max(...lons), Math.min(...lats), Math.max(...lats)];
  const k = Math.cos(((minLat + maxLat) / 2) * (Math.PI / 180));
  const pad = 20;
  const top = 70;
  const mapW = width - 2 * pad - 110;
  const scale = mapW / Math.max((maxLon - minLon) * k, 1e-9);
  const mapH = (maxLat - minLat) * scale;
  const height = Math.round(top + mapH + 50);
  const X = (lon: number) => (pad + (lon - minLon) * k * scale).toFixed(1);
  const Y = (lat: number) => (top + (maxLat - lat) * scale).toFixed(1);
  const max = Math.max(...cells.map((c) => c.present), 1);
  const path = (ring: number[][]) => 'M' + ring.map(([lon, lat]) => `${X(lon!)},${Y(lat!)}`).join('L') + 'Z';
  const hexes = cells
    .map((c, i) => `<path d="${path(rings[i]!)}" fill="${rampColor(Math.sqrt(c.present / max))}"><title>${c.h3}: ${c.present}</title></path>`)
    .join('');
  const outlines = (o.outlines ?? []).map((poly) => `<path d="${poly.map(path).join('')}" fill="none" stroke="#9aa" stroke-width="0.7"/>`).join('');
  const legendX = width - pad - 80;
  const steps = 6;
  const legend = Array.from({ length: steps }, (_, i) => {
    const t = 1 - i / (steps - 1);
    const v = Math.round(t * t * max);
    return `<rect x="${legendX}" y="${top + i * 24}" width="18" height="18" fill="${rampColor(t)}"/><text x="${legendX + 24}" y="${top + i * 24 + 14}" font-size="12">${v}</text>`;
  }).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">
<rect width="100%" height="100%" fill="#fbfbf8"/>
<text x="${pad}" y="30" font-size="20" font-weight="bold">${esc(o.title)}</text>
${o.subtitle ? `<text x="${pad}" y="52" font-size="13" fill="#555">${esc(o.subtitle)}</text>` : ''}
<g>${outlines}</g><g stroke="#fff" stroke-width="0.3">${hexes}</g>
<text x="${legendX}" y="${top - 8}" font-size="12" fill="#555">people</text>${legend}
${o.attribution ? `<text x="${pad}" y="${height - 14}" font-size="11" fill="#777">${esc(o.attribution)}</text>` : ''}
</svg>
`;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
