import { getHeapStatistics, setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the JS heap grow past what survived its last full collection before collecting
 * again (`--heap-growth` of `ingest` and `stream`):
 *
 * - `auto` (default): V8's own factor (up to 2–4×) while the heap is small; once it passes
 *   {@link AUTO_ABOVE_BYTES}, at most {@link AUTO_PERCENT} % more. A pipeline holding a million
 *   devices keeps ~0.8 GB live; V8's factor let its heap reach twice that between collections.
 *   Tightened early: set only once the heap had passed 512 MiB, V8 kept the larger limit it had
 *   already computed and the peak barely moved. Measured: README "Performance" (session 15). Runs
 *   whose heap stays small (tests, the main job's first minutes) are untouched.
 * - `off`: V8's own factor throughout.
 * - a percentage (10–400): that bound from the start.
 *
 * V8 reads the factor at every full collection, so it can change while the process runs
 * (`v8.setFlagsFromString('--heap-growing-percent=N')`; not settable through NODE_OPTIONS). It is
 * process-wide.
 */
export type HeapGrowth = { mode: 'auto' } | { mode: 'off' } | { mode: 'fixed'; percent: number };

export const AUTO_PERCENT = 30;
export const AUTO_ABOVE_BYTES = 128 * 1024 * 1024;

/** Parses `auto`, `off` or a whole percentage 10–400; null when it is none of these. */
export function parseHeapGrowth(value: string): HeapGrowth | null {
  const v = value.trim().toLowerCase();
  if (v === 'auto') return { mode: 'auto' };
  if (v === 'off') return { mode: 'off' };
  if (!/^\d+%?$/.test(v)) return null;
  const percent = Number.parseInt(v, 10);
  return percent >= 10 && percent <= 400 ? { mode: 'fixed', percent } : null;
}

/**
 * Applies a {@link HeapGrowth}. With `auto`, checks V8's heap size every `everyMs` (default 250; an unref'd timer)
 * and sets the bound once it passes `aboveBytes` (default {@link AUTO_ABOVE_BYTES}), calling `onTighten`. Returns a function that stops
 * the check (the flag, once set, stays for the process).
 */
export function applyHeapGrowth(
  g: HeapGrowth,
  onTighten?: (heapBytes: number, percent: number) => void,
  { everyMs = 250, aboveBytes = AUTO_ABOVE_BYTES }: { everyMs?: number; aboveBytes?: number } = {},
): () => void {
  if (g.mode === 'off') return () => {};
  if (g.mode === 'fixed') {
    setFlagsFromString(`--heap-growing-percent=${g.percent}`);
    return () => {};
  }
  const timer = setInterval(() => {
    const size = getHeapStatistics().total_heap_size;
    if (size <= aboveBytes) return;
    clearInterval(timer);
    setFlagsFromString(`--heap-growing-percent=${AUTO_PERCENT}`);
    onTighten?.(size, AUTO_PERCENT);
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
