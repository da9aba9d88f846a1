import { escapeXml } from './escape-xml.ts';
import { SERIES_COLORS } from './series-colors.ts';
import { timeChartFrame } from './time-chart-frame.ts';

/** Options of {@link stackedBarChartSvg}. */
export interface StackedBarChartConfig {
  /** Start of each time bucket, epoch ms, ascending. */
  buckets: readonly number[];
  /** Bucket length in ms (bar width). */
  bucketMs: number;
  /** One value per bucket for each series, stacked in this order. */
  series: readonly { name: string; values: readonly number[] }[];
  title?: string;
  yLabel?: string;
  /** Time zone of the x-axis labels. Default `UTC`. */
  timeZone?: string;
  /** Pixels. Default 640 × 240. */
  width?: number;
  height?: number;
}

/** Counts per time bucket stacked by category (e.g. dead letters per hour by reason), as an SVG string. */
export function stackedBarChartSvg(cfg: StackedBarChartConfig): string {
  const colored = cfg.series.map((s, i) => ({ ...s, color: SERIES_COLORS[i % SERIES_COLORS.length]! }));
  const totals = cfg.buckets.map((_, i) => colored.reduce((s, x) => s + (x.values[i] ?? 0), 0));
  const x0 = cfg.buckets[0] ?? 0;
  const x1 = (cfg.buckets[cfg.buckets.length - 1] ?? 0) + cfg.bucketMs;
  const frame = timeChartFrame({
    width: cfg.width ?? 640,
    height: cfg.height ?? 240,
    title: cfg.title,
    yLabel: cfg.yLabel,
    timeZone: cfg.timeZone ?? 'UTC',
    xRange: [x0, x1],
    yMax: Math.max(1, ...totals),
    legend: colored,
  });
  const barW = Math.max(1, (cfg.bucketMs / Math.max(1, x1 - x0)) * frame.plotWidth - 1);
  const bars: string[] = [];
  cfg.buckets.forEach((b, i) => {
    let acc = 0;
    for (const s of colored) {
      const v = s.values[i] ?? 0;
      if (v <= 0) continue;
      const [top, bottom] = [frame.sy(acc + v), frame.sy(acc)];
      bars.push(`<rect x="${frame.sx(b).toFixed(1)}" y="${top.toFixed(1)}" width="${barW.toFixed(1)}" height="${(bottom - top).toFixed(1)}" fill="${s.color}"><title>${escapeXml(`${s.name}: ${v}`)}</title></rect>`);
      acc += v;
    }
  });
  return frame.head + bars.join('') + frame.tail;
}
