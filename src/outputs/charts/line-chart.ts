import { escapeXml } from './escape-xml.ts';
import { SERIES_COLORS } from './series-colors.ts';
import { timeChartFrame } from './time-chart-frame.ts';

/** One line: points `[epoch ms, value]`; a `null` value breaks the line (e.g. suppressed below k). */
export interface LineSeries {
  name: string;
  points: readonly (readonly [number, number | null])[];
  color?: string;
}

/** Options of {@link lineChartSvg}. */
export interface LineChartConfig {
  series: readonly LineSeries[];
  title?: string;
  /** Label of the y axis. */
  yLabel?: string;
  /** Time zone of the x-axis labels. Default `UTC`. */
  timeZone?: string;
  /** Pixels. Default 640 × 240. */
  width?: number;
  height?: number;
  /** Draw a legend when there are several series. Default true. */
  legend?: boolean;
}

/**
 * A time-series line chart as a standalone SVG string (no script, no external resources), for the
 * daily report and the notebooks.
 */
export function lineChartSvg(cfg: LineChartConfig): string {
  const colored = cfg.series.map((s, i) => ({ ...s, color: s.color ?? SERIES_COLORS[i % SERIES_COLORS.length]! }));
  const xs = colored.flatMap((s) => s.points.map((p) => p[0]));
  const ys = colored.flatMap((s) => s.points.map((p) => p[1]).filter((v): v is number => v !== null));
  const frame = timeChartFrame({
    width: cfg.width ?? 640,
    height: cfg.height ?? 240,
    title: cfg.title,
    yLabel: cfg.yLabel,
    timeZone: cfg.timeZone ?? 'UTC',
    xRange: xs.length ? [Math.min(...xs), Math.max(...xs)] : [0, 1],
    yMax: ys.length ? Math.max(...ys) : 1,
    legend: (cfg.legend ?? true) && colored.length > 1 ? colored : [],
  });
  const lines = colored.map((s) => {
    let d = '';
    let pen = false;
    for (const [x, y] of s.points) {
      if (y === null) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${frame.sx(x).toFixed(1)},${frame.sy(y).toFixed(1)}`;
      pen = true;
    }
    return d ? `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.6"><title>${escapeXml(s.name)}</title></path>` : '';
  });
  return frame.head + lines.join('') + frame.tail;
}
