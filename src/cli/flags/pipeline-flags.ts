import { availableParallelism } from 'node:os';
import { resolveKeyFile } from '../../core/key-location.ts';
import { readFileSync } from 'node:fs';
import { parseDuration } from '../../core/duration.ts';
import { UsageError } from '../command.ts';
import type { LogEvent } from '../log/log-event.ts';
import type { Logger } from '../../core/log/logger.ts';
import { applyHeapGrowth, parseHeapGrowth, type HeapGrowth } from '../../core/heap-growth.ts';
import { CellTable } from '../../locate/cell-table.ts';
import { loadOrCreateKey, type LoadedKey } from '../../privacy/key-file.ts';
import { Pseudonymiser } from '../../privacy/pseudonymiser.ts';
import { checkWindowConfig, type WindowConfig } from '../../window/window-config.ts';

/** The parseArgs options shared by `ingest` and `stream`. */
export const PIPELINE_FLAGS = {
  cells: { type: 'string' },
  db: { type: 'string' },
  window: { type: 'string', default: '15m' },
  lateness: { type: 'string', default: '5m' },
  'presence-timeout': { type: 'string', default: '60m' },
  res: { type: 'string', default: '9' },
  'key-file': { type: 'string' },
  'rotate-every': { type: 'string' },
  'heap-growth': { type: 'string', default: 'auto' },
} as const;

/** Help text for {@link PIPELINE_FLAGS}. */
export const PIPELINE_FLAGS_HELP = `  --cells CSV              cell table: cell_id,lat,lon[,site_id,azimuth_deg,range_m,valid_from,valid_to]
  --db FILE                DuckDB file to write (created when missing)
  --window DUR             tumbling event-time window, 1m–60m (default 15m)
  --lateness DUR           allowed lateness; watermark = max event time − lateness (default 5m)
  --presence-timeout DUR   how long an event holds a device without a newer one (default 60m)
                           (every DUR takes a unit: ms, s, m, h or d — 90s, 15m, 1h; a bare number is refused)
  --res N                  base H3 resolution 0–15 (default 9)
  --key-file PATH          pseudonymisation key file (default $CITYPULSE_KEY_FILE, else
                           <key dir>/pseudonym.key: $CITYPULSE_KEY_DIR or ~/.config/citypulse);
                           $CITYPULSE_KEY overrides it. Created (mode 0600) when missing.
  --rotate-every DUR       re-pseudonymise every DUR of event time (e.g. 30d): device ids change at
                           each epoch; a database keeps the period it was written with (docs/privacy.md)
  --heap-growth auto|off|PCT  how far the JS heap may grow past what survived V8's last full
                           collection before the next one (default auto: V8's own factor, 2-4x,
                           until the heap passes 128 MiB, then 30 %; less memory for more CPU,
                           README "Performance"; off: V8's throughout; PCT: 10-400 from the start)`;

/** Window config from the flags, with errors naming the flag. */
export function windowConfigFromFlags(v: Record<string, unknown>): WindowConfig & { resolution: number } {
  const res = Number(v.res);
  if (!Number.isInteger(res) || res < 0 || res > 15) throw new UsageError(`--res must be an integer 0–15, got ${v.res}`);
  const windowMs = parseDuration(String(v.window), '--window');
  const latenessMs = parseDuration(String(v.lateness), '--lateness');
  const presenceTimeoutMs = parseDuration(String(v['presence-timeout']), '--presence-timeout');
  try {
    const c = checkWindowConfig({ windowMs, latenessMs, presenceTimeoutMs });
    return { ...c, resolution: res };
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** Loads the cell table named by `--cells`. */
export function loadCells(path: string, resolution: number): CellTable {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read --cells ${path}: ${(err as Error).message}`);
  }
  return CellTable.fromCsv(text, resolution);
}

/** The pseudonymiser from $CITYPULSE_KEY, --key-file, $CITYPULSE_KEY_FILE or the default key file. */
export function pseudonymiserFromEnv(env: NodeJS.ProcessEnv, keyFileFlag?: string, rotateEvery?: string): { pseudonymiser: Pseudonymiser; key: LoadedKey; rotateEveryMs?: number } {
  // One documented place, never relative to the current folder (src/core/key-location.ts).
  const keyFile = resolveKeyFile(env, 'pseudonym.key', keyFileFlag ?? env.CITYPULSE_KEY_FILE);
  const key = loadOrCreateKey({ key: env.CITYPULSE_KEY, keyFile });
  let rotateEveryMs: number | undefined;
  if (rotateEvery !== undefined) {
    rotateEveryMs = parseDuration(rotateEvery, '--rotate-every');
    if (rotateEveryMs < 3_600_000) throw new UsageError(`--rotate-every must be at least 1h, got ${rotateEvery}`);
  }
  return { pseudonymiser: new Pseudonymiser({ key: key.key, rotateEveryMs }), key, rotateEveryMs };
}

/** The log event saying where the key came from. Never carries the key. */
export function keyLoadedEvent(k: LoadedKey): Extract<LogEvent, { type: 'key.loaded' }> {
  return { type: 'key.loaded', source: k.source, path: k.path ?? null };
}

/** `--heap-growth`, parsed (a usage error naming the flag when it is not auto, off or 10-400). */
export function heapGrowthFlag(v: Record<string, unknown>): HeapGrowth {
  const g = parseHeapGrowth(String(v['heap-growth']));
  if (!g) throw new UsageError(`--heap-growth ${JSON.stringify(v['heap-growth'])}: give auto, off or a percentage 10-400`);
  return g;
}

/** Applies `--heap-growth` for this process ({@link applyHeapGrowth}), logging when `auto` tightens it; returns the function that stops the check. */
export function startHeapGrowth(g: HeapGrowth, log: Logger<LogEvent>): () => void {
  return applyHeapGrowth(g, (heapBytes, percent) => log({ type: 'heap.growth', heapBytes, percent }));
}

/** `--workers N|auto` (ingest, stream): worker threads, 0–256, or one per core beyond the main thread's. */
export function workersFlag(value: unknown): number {
  const s = String(value ?? '0').trim();
  if (s === 'auto') return Math.max(availableParallelism() - 1, 1);
  if (!/^(0|[1-9][0-9]*)$/.test(s) || Number(s) > 256) throw new UsageError(`--workers ${JSON.stringify(String(value))}: give a whole number from 0 to 256, or auto`);
  return Number(s);
}
