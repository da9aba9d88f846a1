import { escapeXml } from './escape-xml.ts';
import { formatTick, niceTicks } from './nice-ticks.ts';
import { timeTicks } from './time-axis.ts';

/** Options of {@link timeChartFrame}. */
export interface TimeChartFrameConfig {
  width: number;
  height: number;
  title?: string;
  yLabel?: string;
  timeZone: string;
  /** Instants at the left and right edges, epoch ms. */
  xRange: readonly [number, number];
  /** Largest value drawn; the axis ends at the next round tick. */
  yMax: number;
  /** Legend entries on the right; none when empty. */
  legend: readonly { name: string; color: string }[];
}

/** The frame of a chart over time: scales, and the SVG drawn before and after the marks. */
export interface TimeChartFrame {
  /** Epoch ms → x pixel. */
  sx(ms: number): number;
  /** Value → y pixel. */
  sy(v: number): number;
  plotWidth: number;
  /** Opening tag, background, title, horizontal grid with value labels, y-axis label. */
  head: string;
  /** Time ticks in the zone, baseline, legend, closing tag. */
  tail: string;
}

/**
 * The axes, grid, title and legend shared by the line and stacked-bar charts, so both look alike.
 */
export function timeChartFrame(cfg: TimeChartFrameConfig): TimeChartFrame {
  const { width, height } = cfg;
  const m = { top: cfg.title ? 24 : 10, right: cfg.legend.length > 0 ? 170 : 12, bottom: 24, left: 48 };
  const yTicks = niceTicks(0, Math.max(1, cfg.yMax), 4);
  const yTop = yTicks[yTicks.length - 1]!;
  const [x0, x1] = cfg.xRange;
  const pw = width - m.left - m.right;
  const ph = height - m.top - m.bottom;
  const sx = (x: number) => m.left + (x1 === x0 ? pw / 2 : ((x - x0) / (x1 - x0)) * pw);
  const sy = (y: number) => m.top + ph - (y / yTop) * ph;
  const head: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
  ];
  if (cfg.title) head.push(`<text x="${m.left}" y="16" font-size="13" font-weight="bold">${escapeXml(cfg.title)}</text>`);
  for (const t of yTicks) {
    head.push(`<line x1="${m.left}" x2="${m.left + pw}" y1="${sy(t).toFixed(1)}" y2="${sy(t).toFixed(1)}" stroke="#e5e5e5"/>`);
    head.push(`<text x="${m.left - 4}" y="${(sy(t) + 4).toFixed(1)}" text-anchor="end" fill="#555">${formatTick(t)}</text>`);
  }
  if (cfg.yLabel) head.push(`<text transform="translate(11 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle" fill="#555">${escapeXml(cfg.yLabel)}</text>`);
  const tail: string[] = [];
  for (const t of timeTicks(x0, x1, cfg.timeZone)) {
    const x = sx(t.ms).toFixed(1);
    tail.push(`<line x1="${x}" x2="${x}" y1="${m.top + ph}" y2="${m.top + ph + 4}" stroke="#888"/>`);
    tail.push(`<text x="${x}" y="${m.top + ph + 16}" text-anchor="middle" fill="#555">${escapeXml(t.label)}</text>`);
  }
  tail.push(`<line x1="${m.left}" x2="${m.left + pw}" y1="${m.top + ph}" y2="${m.top + ph}" stroke="#888"/>`);
  cfg.legend.forEach(({ name, color }, i) => {
    const ly = m.top + 4 + i * 15;
    tail.push(`<rect x="${width - m.right + 10}" y="${ly}" width="10" height="10" fill="${color}"/>`);
    tail.push(`<text x="${width - m.right + 24}" y="${ly + 9}">${escapeXml(name.length > 20 ? name.slice(0, 19) + '…' : name)}</text>`);
  });
  tail.push('</svg>');
  return { sx, sy, plotWidth: pw, head: head.join(''), tail: tail.join('') };
}
