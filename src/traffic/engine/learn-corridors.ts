import { cellToLatLng, greatCircleDistance } from 'h3-js';
import type { Corridor } from './corridor.ts';
import { corridorFromCells } from './corridor-from-cells.ts';
import type { Hop } from './hop.ts';
import type { ResolvedTrafficConfig } from './traffic-config.ts';

/** A learned corridor with its support. */
export interface LearnedCorridor {
  corridor: Corridor;
  /** Fewest distinct devices over the chain's 3-cell links. */
  support: number;
}

/**
 * Learns corridors from the handover sequences of moving devices: every hop is an ordered 3-cell
 * chain (prev → cell → next); chains crossed by at least `minSupport` distinct devices at a speed
 * between walkers and rail are frequent; frequent chains are stitched greedily, most frequent first,
 * by their overlap of two cells (a, b, c) + (b, c, d) → (a, b, c, d), up to `maxChainCells` cells
 * without repeats. Each chain becomes one corridor, id `L` + a hash of its cells (stable).
 */
export function learnCorridors(hops: readonly Hop[], cfg: ResolvedTrafficConfig): LearnedCorridor[] {
  // Devices per chain, keyed cell → next → prev: a hop costs map lookups, not a joined string key.
  const chains = new Map<string, Map<string, { metres: number; byPrev: Map<string, Set<string>> }>>();
  for (const h of hops) {
    let toNext = chains.get(h.h3);
    if (!toNext) chains.set(h.h3, (toNext = new Map()));
    let link = toNext.get(h.next);
    if (!link) toNext.set(h.next, (link = { metres: greatCircleDistance(cellToLatLng(h.h3), cellToLatLng(h.next), 'm'), byPrev: new Map() }));
    const ms = h.exitTs - h.enterTs;
    const kmh = ms > 0 ? (link.metres / ms) * 3_600 : Infinity;
    if (kmh < cfg.walkMaxKmh || kmh > cfg.maxKmh) continue;
    let s = link.byPrev.get(h.prev);
    if (!s) link.byPrev.set(h.prev, (s = new Set()));
    s.add(h.device);
  }
  const triples = [...chains]
    .flatMap(([cell, toNext]) => [...toNext].flatMap(([next, link]) => [...link.byPrev].map(([prev, s]) => ({ cells: [prev, cell, next] as [string, string, string], support: s.size, key: `${prev}|${cell}|${next}` }))))
    .filter((t) => t.support >= cfg.minSupport)
    .sort((a, b) => b.support - a.support || (a.key < b.key ? -1 : 1));
  const byHead = new Map<string, typeof triples>(), byTail = new Map<string, typeof triples>();
  for (const t of triples) {
    const h = `${t.cells[0]}|${t.cells[1]}`, tl = `${t.cells[1]}|${t.cells[2]}`;
    (byHead.get(h) ?? byHead.set(h, []).get(h)!).push(t);
    (byTail.get(tl) ?? byTail.set(tl, []).get(tl)!).push(t);
  }
  const used = new Set<string>();
  const out: LearnedCorridor[] = [];
  for (const t of triples) {
    if (used.has(t.key)) continue;
    used.add(t.key);
    const chain = [...t.cells];
    let support = t.support;
    for (;;) {
      if (chain.length >= cfg.maxChainCells) break;
      const next = (byHead.get(`${chain[chain.length - 2]}|${chain[chain.length - 1]}`) ?? []).find((x) => !used.has(x.key) && !chain.includes(x.cells[2]));
      if (!next) break;
      used.add(next.key);
      chain.push(next.cells[2]);
      support = Math.min(support, next.support);
    }
    for (;;) {
      if (chain.length >= cfg.maxChainCells) break;
      const prev = (byTail.get(`${chain[0]}|${chain[1]}`) ?? []).find((x) => !used.has(x.key) && !chain.includes(x.cells[0]));
      if (!prev) break;
      used.add(prev.key);
      chain.unshift(prev.cells[0]);
      support = Math.min(support, prev.support);
    }
    out.push({ corridor: corridorFromCells(`L${fnv1a(chain.join(','))}`, chain, 'learned'), support });
  }
  return out;
}

/** FNV-1a 32-bit hash as 8 hex digits. */
function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}
