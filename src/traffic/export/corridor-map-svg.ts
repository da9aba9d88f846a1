import type { Corridor } from '../engine/corridor.ts';

/** Options of {@link corridorMapSvg}. */
export interface CorridorMapSvgOptions {
  title: string;
  subtitle?: string;
  /** Width in px. [900] */
  width?: number;
  attribution?: string;
  /** Zone outlines (GeoJSON Polygon/MultiPolygon rings as [lon, lat]) drawn underneath. */
  outlines?: number[][][][];
}

/** Green (free flow) → amber → red (jammed) for congestion in [0, 1]. */
export function congestionColor(c: number): string {
  const stops = [[26, 152, 80], [145, 207, 96], [254, 224, 139], [252, 141, 89], [215, 48, 39]];
  const x = Math.max(0, Math.min(1, c)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const rgb = stops[i]!.map((v, k) => Math.round(v + (stops[i + 1]![k]! - v) * f));
  return `rgb(${rgb[0]},${rgb[1]},${rgb[2]})`;
}

/**
 * A standalone SVG map of corridors coloured by congestion (grey when unknown), drawn as arrows in
 * driving order over the zone outlines, with a legend. No external resources.
 */
export function corridorMapSvg(corridors: readonly Corridor[], congestion: ReadonlyMap<string, number | null>, o: CorridorMapSvgOptions): string {
  const width = o.width ?? 900;
  const lines = corridors.map((c) => c.geometry.coordinates);
  const all = [...lines.flat(), ...(o.outlines ?? []).flat(2)];
  if (all.length === 0) return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="120"><text x="20" y="60" font-family="sans-serif">${esc(o.title)}: no corridors</text></svg>`;
  const lons = all.map((p) => p[0]!), lats = all.map((p) => p[1]!);
  const [minLon, maxLon, minLat, maxLat] = [Math.min(...lons), Math.max(...lons), Math.min(...lats), Math.max(...lats)];
  const k = Math.cos(((minLat + maxLat) / 2) * (Math.PI / 180));
  const pad = 20, top = 70;
  const mapW = width - 2 * pad - 130;
  const scale = mapW / Math.max((maxLon - minLon) * k, 1e-9);
  const height = Math.round(top + (maxLat - minLat) * scale + 50);
  const X = (lon: number) => pad + (lon - minLon) * k * scale, Y = (lat: number) => top + (maxLat - lat) * scale;
  const ring = (r: number[][]) => 'M' + r.map(([lon, lat]) => `${X(lon!).toFixed(1)},${Y(lat!).toFixed(1)}`).join('L') + 'Z';
  const outlines = (o.outlines ?? []).map((poly) => `<path d="${poly.map(ring).join('')}" fill="#f6f7f7" stroke="#c5cccc" stroke-width="0.7"/>`).join('');
  // Both directions of a road share the line: offset each to its right by 2.5 px.
  const paths = corridors.map((c) => {
    const pts = c.geometry.coordinates.map(([lon, lat]) => [X(lon!), Y(lat!)] as const);
    const off = pts.map((p, i) => {
      const a = pts[Math.max(0, i - 1)]!, b = pts[Math.min(pts.length - 1, i + 1)]!;
      const dx = b[0] - a[0], dy = b[1] - a[1], n = Math.hypot(dx, dy) || 1;
      return [p[0] - (dy / n) * 2.5, p[1] + (dx / n) * 2.5] as const;
    });
    const v = congestion.get(c.id);
    const color = v === null || v === undefined ? '#b0b0b0' : congestionColor(v);
    const label = v === null || v === undefined ? 'no speed (too few devices)' : `congestion ${(v * 100).toFixed(0)} %`;
    return `<path d="M${off.map((p) => `${p[0].toFixed(1)},${p[1].toFixed(1)}`).join('L')}" fill="none" stroke="${color}" stroke-width="4" stroke-linecap="round" marker-end="url(#arrow)"><title>${esc(c.id)}: ${label}</title></path>`;
  }).join('');
  const lx = width - pad - 110;
  const legend = [0, 0.25, 0.5, 0.75, 1]
    .map((t, i) => `<rect x="${lx}" y="${top + i * 22}" width="26" height="8" fill="${congestionColor(t)}"/><text x="${lx + 32}" y="${top + i * 22 + 8}" font-size="11">${(t * 100).toFixed(0)} %</text>`)
    .join('') + `<rect x="${lx}" y="${top + 5 * 22}" width="26" height="8" fill="#b0b0b0"/><text x="${lx + 32}" y="${top + 5 * 22 + 8}" font-size="11">no speed</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">
<defs><marker id="arrow" viewBox="0 0 10 10" refX="6" refY="5" markerWidth="4" markerHeight="4" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#555"/></marker></defs>
<rect width="100%" height="100%" fill="white"/>
<text x="${pad}" y="28" font-size="17" font-weight="bold">${esc(o.title)}</text>
${o.subtitle ? `<text x="${pad}" y="50" font-size="12" fill="#555">${esc(o.subtitle)}</text>` : ''}
${outlines}${paths}
<text x="${lx}" y="${top - 10}" font-size="11" font-weight="bold">congestion</text>${legend}
${o.attribution ? `<text x="${pad}" y="${height - 15}" font-size="10" fill="#777">${esc(o.attribution)}</text>` : ''}
</svg>
`;
}

function esc(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}
