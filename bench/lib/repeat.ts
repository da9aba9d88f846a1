import type { BenchContext } from './context.ts';
import type { RunMeasurement } from './result.ts';

/**
 * Runs `once` `ctx.warmup` times unmeasured, then `ctx.repeat` times, logging each run; returns the
 * measured runs. With several `series`, their runs alternate (a, b, a, b…) so a peer and the
 * measured thing share the same machine conditions.
 */
export async function repeated(ctx: BenchContext, series: { label: string; once: (i: number) => Promise<RunMeasurement> }[]): Promise<RunMeasurement[][]> {
  const out: RunMeasurement[][] = series.map(() => []);
  for (let i = 0; i < ctx.warmup + ctx.repeat; i++) {
    const warm = i < ctx.warmup;
    for (let s = 0; s < series.length; s++) {
      const r = await series[s]!.once(i);
      ctx.log(`  ${series[s]!.label} ${warm ? 'warm-up' : `run ${i - ctx.warmup + 1}/${ctx.repeat}`}: ${r.events.toLocaleString('en-US')} events in ${r.seconds.toFixed(2)} s → ${fmtRate(r.events / r.seconds)}/s, peak RSS ${r.peakRssMiB.toFixed(0)} MiB`);
      if (!warm) out[s]!.push(r);
    }
  }
  return out;
}

/** 1234567 → "1.23M". */
export function fmtRate(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)}M`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(0)}k`;
  return x.toFixed(0);
}
