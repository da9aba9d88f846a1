import { formatDuration } from '../core/duration.ts';
import type { Logger } from '../core/log/logger.ts';
import type { LogEvent } from './log/log-event.ts';

/** Configuration of a {@link Progress} bar. */
export interface ProgressConfig {
  /** Where to draw; usually stderr. */
  stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** Label before the bar. */
  label: string;
  /** Total units when known (bytes, events); omit for a counter without a bar. */
  total?: number;
  /** Unit name shown in the rate, e.g. `events`. Default `items`. */
  unit?: string;
  /** Minimum milliseconds between redraws. Default 200. */
  intervalMs?: number;
  /**
   * Off a TTY, progress goes to this log as `progress` events (so `--log-format json` stays JSON lines)
   * instead of plain lines on `stream`.
   */
  log?: Logger<LogEvent>;
}

/**
 * A terminal progress bar for long work. On a TTY it redraws one line in place; elsewhere (CI, pipes)
 * it prints a plain line every few seconds so logs stay readable.
 */
export class Progress {
  readonly #cfg: Required<Omit<ProgressConfig, 'total' | 'log'>> & { total?: number; log?: Logger<LogEvent> };
  readonly #start = performance.now();
  #last = performance.now();
  #done = 0;
  #note = '';
  readonly #tty: boolean;

  constructor(cfg: ProgressConfig) {
    this.#cfg = { unit: 'items', intervalMs: 200, ...cfg };
    this.#tty = Boolean(cfg.stream.isTTY);
  }

  /** Sets the absolute amount done and an optional note (e.g. `1.2M events`). */
  update(done: number, note = ''): void {
    this.#done = done;
    this.#note = note;
    const now = performance.now();
    // Off a TTY (CI, pipes) a plain line every 5 s keeps logs readable.
    const every = this.#tty ? this.#cfg.intervalMs : 5_000;
    if (now - this.#last < every) return;
    this.#last = now;
    this.#draw(false);
  }

  /** Draws the final state and ends the line. */
  finish(note = this.#note): void {
    this.#note = note;
    this.#draw(true);
  }

  #draw(final: boolean): void {
    const elapsed = performance.now() - this.#start;
    const { total, label, unit } = this.#cfg;
    const rate = elapsed > 0 ? (this.#done / elapsed) * 1000 : 0;
    let line = `${label} `;
    if (total && total > 0) {
      const frac = Math.min(1, this.#done / total);
      const width = 24;
      const filled = Math.round(frac * width);
      line += `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}% `;
      if (!final && frac > 0.01) line += `eta ${formatDuration((elapsed / frac) * (1 - frac))} `;
    }
    line += `${formatCount(this.#done)} ${unit} · ${formatCount(rate)}/s · ${formatDuration(elapsed)}`;
    if (this.#note) line += ` · ${this.#note}`;
    if (!this.#tty && this.#cfg.log) {
      this.#cfg.log({ type: 'progress', label, done: this.#done, total: total ?? null, unit, ms: Math.round(elapsed), final, line });
      return;
    }
    if (this.#tty) {
      const cols = this.#cfg.stream.columns ?? 100;
      this.#cfg.stream.write(`\r\x1b[2K${line.slice(0, cols - 1)}${final ? '\n' : ''}`);
    } else {
      this.#cfg.stream.write(line + '\n');
    }
  }
}

/** 1234567 → `1.23M`. */
export function formatCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return String(Math.round(n));
}
