/**
 * An independent, brute-force recomputation of the presence semantics, written from the README's
 * definition rather than from the engine: every device's holds are materialised as intervals, and
 * every window is computed by scanning them. Slow and simple on purpose.
 */
export interface RefEvent {
  ts: number;
  device: string;
  h3: string;
  kind: string;
}

export interface RefRow {
  windowStart: number;
  h3: string;
  present: number;
  active: number;
  events: number;
}

/** Splits arrival-ordered events into accepted and late, by the watermark rule. */
export function splitLate(events: RefEvent[], windowMs: number, latenessMs: number): { accepted: RefEvent[]; late: RefEvent[] } {
  let maxTs = -Infinity;
  const accepted: RefEvent[] = [];
  const late: RefEvent[] = [];
  for (const e of events) {
    const wm = maxTs - latenessMs;
    const closedUntil = Math.floor(wm / windowMs) * windowMs;
    const wEnd = Math.floor(e.ts / windowMs) * windowMs + windowMs;
    if (wEnd <= closedUntil) {
      late.push(e);
      continue;
    }
    accepted.push(e);
    if (e.ts > maxTs) maxTs = e.ts;
  }
  return { accepted, late };
}

export function referencePresence(accepted: RefEvent[], windowMs: number, timeoutMs: number): RefRow[] {
  const byDevice = new Map<string, RefEvent[]>();
  accepted.forEach((e) => {
    const list = byDevice.get(e.device) ?? [];
    list.push(e);
    byDevice.set(e.device, list);
  });
  type Hold = { start: number; end: number; h3: string };
  const holds = new Map<string, Hold[]>();
  let lo = Infinity;
  let hi = -Infinity;
  for (const [d, list] of byDevice) {
    // stable sort by ts keeps arrival order among equal timestamps
    const sorted = list.map((e, i) => ({ e, i })).sort((a, b) => a.e.ts - b.e.ts || a.i - b.i).map((x) => x.e);
    const hs: Hold[] = [];
    sorted.forEach((e, i) => {
      lo = Math.min(lo, e.ts);
      hi = Math.max(hi, e.ts + timeoutMs);
      if (e.kind === 'detach') return;
      const next = i + 1 < sorted.length ? sorted[i + 1]!.ts : Infinity;
      hs.push({ start: e.ts, end: Math.min(e.ts + timeoutMs, next), h3: e.h3 });
    });
    holds.set(d, hs);
  }
  const rows = new Map<string, RefRow>();
  const row = (ws: number, h3: string) => {
    const key = `${ws}|${h3}`;
    let r = rows.get(key);
    if (!r) rows.set(key, (r = { windowStart: ws, h3, present: 0, active: 0, events: 0 }));
    return r;
  };
  if (!Number.isFinite(lo)) return [];
  for (let ws = Math.floor(lo / windowMs) * windowMs; ws < hi; ws += windowMs) {
    const we = ws + windowMs;
    for (const [d, hs] of holds) {
      const dwell = new Map<string, { total: number; lastEnd: number }>();
      for (const h of hs) {
        const ov = Math.min(h.end, we) - Math.max(h.start, ws);
        if (ov <= 0) continue;
        const cur = dwell.get(h.h3) ?? { total: 0, lastEnd: -Infinity };
        cur.total += ov;
        cur.lastEnd = Math.max(cur.lastEnd, Math.min(h.end, we));
        dwell.set(h.h3, cur);
      }
      const ranked = [...dwell].sort((a, b) => b[1].total - a[1].total || b[1].lastEnd - a[1].lastEnd);
      if (ranked.length > 0) row(ws, ranked[0]![0]).present++;
      const evs = byDevice.get(d)!.filter((e) => e.ts >= ws && e.ts < we);
      for (const e of evs) row(ws, e.h3).events++;
      for (const h3 of new Set(evs.map((e) => e.h3))) row(ws, h3).active++;
    }
  }
  return [...rows.values()].sort((a, b) => a.windowStart - b.windowStart || (a.h3 < b.h3 ? -1 : a.h3 > b.h3 ? 1 : 0));
}
