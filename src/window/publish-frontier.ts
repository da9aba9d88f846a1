import { ActiveMinimum } from './active-minimum.ts';

/** One assigned partition as the publish frontier sees it. */
export interface FrontierInput {
  /** End of the partition's last closed window (ms), or null before it closed one. */
  closedUntil: number | null;
  /** True when the partition is silent (or not restored yet) for the idle timeout: it does not hold back. */
  idle: boolean;
}

/**
 * How far the stream may publish `presence` windows: windows ending at or before the result are closed
 * in every assigned partition that is not idle — the rule of {@link ActiveMinimum}, as for watermarks.
 * With `final` (end of input) every partition counts as idle: the highest closed end rules. Never moves
 * back from `published`; stays at `published` when nothing can be said (an active partition closed
 * nothing yet, or no partition closed anything).
 *
 * @example
 * publishFrontier([{ closedUntil: 900, idle: false }, { closedUntil: 1800, idle: false }], null, false); // 900
 */
export function publishFrontier(inputs: Iterable<FrontierInput>, published: number | null, final: boolean): number | null {
  const m = new ActiveMinimum();
  for (const i of inputs) m.add(i.closedUntil ?? undefined, final || i.idle);
  const frontier = m.result;
  if (frontier === null || !Number.isFinite(frontier)) return published;
  return published === null ? frontier : Math.max(frontier, published);
}
