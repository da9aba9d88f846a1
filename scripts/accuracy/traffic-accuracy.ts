import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../../src/outputs/duckdb/open.ts';
import { roadCorridors } from '../../src/sim/roads/road-corridors.ts';
import type { SimConfig } from '../../src/sim/sim-config.ts';
import type { TrueRoadTraversal } from '../../src/sim/truth/truth-sink.ts';
import { parseCorridors } from '../../src/traffic/engine/parse-corridors.ts';
import { percentile } from '../../src/traffic/engine/percentile.ts';
import { buildTraffic } from '../../src/traffic/export/build-traffic.ts';
import { trafficPlugin } from '../../src/traffic/plugin/traffic-plugin.ts';
import type { AccuracyContext, AccuracyFigure, AccuracyProduct, AccuracyReport } from './accuracy-product.ts';
import { corridorForecastFigures } from './corridor-forecast-accuracy.ts';
import { pearson } from './metrics.ts';
import { ingestCity, simulateCity } from './simulated-city.ts';

const MIN = 60_000;

/**
 * Traffic accuracy against the simulator's roads (docs/traffic.md): the city is simulated with roads
 * and a lane closure on day 0 at 08:00 for an hour; the road corridors (radials, ring arcs) are
 * declared from the simulator; the pipeline's hops give flow and speed per corridor-bin.
 *
 * - speed: median absolute % error per corridor-bin with a speed (≥ 5 devices) against the true
 *   median device speed over the corridor's edges entered in that bin (same devices' true positions);
 * - flow: Pearson r of devices crossing per corridor-bin against the true devices entering its edges;
 * - incident: minutes and bins from the closure to the first slowdown alert on a corridor holding
 *   the closed edge (bins counted to the end of the alerting bin);
 * - learned corridors: how many, and the share lying on a road corridor (≥ 80 % of their cells);
 * - corridor-flow forecast (with --days 8 or more): error per horizon of each baseline and the
 *   ridge model against the true devices entering the corridor's edges (corridor-forecast-accuracy.ts).
 */
export const trafficAccuracy: AccuracyProduct = {
  name: 'traffic',
  summary: 'corridor speed/flow against the simulated roads, planted incident to slowdown alert, learned corridors',
  async run(ctx: AccuracyContext, base: SimConfig): Promise<AccuracyReport> {
    const dir = join(ctx.workDir, 'traffic');
    const sim: SimConfig = { ...base, roads: true, incident: { day: 0, startMin: 480, durationMin: 60 } };
    const trav: TrueRoadTraversal[] = [];
    const city = await simulateCity(join(dir, 'city'), sim, { roadTraversal: (t) => trav.push(t) });
    const roads = city.sim.roads!;
    const declared = roadCorridors(roads.traffic.net, city.sim.city, city.sim.config.start);
    const corridors = parseCorridors({ corridors: declared });
    const dbPath = join(dir, 'traffic.duckdb');
    rmSync(dbPath, { force: true });
    await ingestCity(city, dbPath, [trafficPlugin() as never]);
    const inc = city.sim.incident!;
    ctx.log(`incident on ${inc.edge} ${new Date(inc.start).toISOString()}–${new Date(inc.end).toISOString()}; ${trav.length} true edge traversals`);

    const figures: AccuracyFigure[] = [];
    let forecastFigures: AccuracyFigure[] = [];
    const db = await openDatabase(dbPath, { readOnly: true });
    try {
      for (const binMin of [5, 15]) {
        const binMs = binMin * MIN;
        const res = await buildTraffic(db.connection, { corridors, config: { binMs } });
        const truth = trueCorridorBins(declared, trav, binMs);
        if (binMin === 5) {
          // corridor-flow forecasts (issue 13 item 5): needs a week of history, so --days 8 or more
          const trueDevices = new Map([...truth].map(([key, t]) => [key, t.devices]));
          forecastFigures = corridorForecastFigures(corridors.map((c) => c.id), res.bins5, trueDevices, { start: city.sim.config.start, days: city.sim.config.days });
        }
        const errs: number[] = [];
        const estFlow = new Map<string, number>(), trueFlow = new Map<string, number>();
        for (const [key, t] of truth) {
          trueFlow.set(key, t.devices);
          estFlow.set(key, 0);
        }
        for (const b of res.bins) {
          const key = `${b.corridor}|${b.binStart}`;
          estFlow.set(key, b.flow);
          if (!trueFlow.has(key)) trueFlow.set(key, 0);
          const t = truth.get(key);
          if (b.speedKmh !== null && t && t.speedKmh > 0) errs.push(Math.abs(b.speedKmh - t.speedKmh) / t.speedKmh);
        }
        figures.push(
          { name: `speed: median abs % error, ${binMin}-min corridor-bins with ≥ 5 devices`, value: 100 * percentile(errs, 0.5), target: '≤ 15 %', unit: '%' },
          { name: `speed: corridor-bins compared (${binMin} min)`, value: errs.length },
          { name: `flow: Pearson r of devices crossing per ${binMin}-min corridor-bin`, value: pearson(estFlow, trueFlow) },
        );
        const hit = res.alerts
          .filter((a) => a.state === 'open' && a.binStart + binMs > inc.start && a.binStart < inc.end)
          .filter((a) => declared.find((c) => c.id === a.corridor)?.edges.includes(inc.edge))
          .sort((a, b) => a.binStart - b.binStart)[0];
        const others = res.alerts.filter((a) => a.state === 'open' && a !== hit);
        // A false alarm: the true median speed of that corridor-bin was at least 70 % of free flow.
        const falseAlarms = others.filter((a) => {
          const t = truth.get(`${a.corridor}|${a.binStart}`);
          const ff = declared.find((c) => c.id === a.corridor)!.free_flow_kmh;
          return !t || t.speedKmh >= 0.7 * ff;
        }).length;
        figures.push(
          { name: `incident: bins from the closure to its slowdown alert (${binMin}-min bins)`, value: hit ? Math.ceil((hit.binStart + binMs - inc.start) / binMs) : NaN, target: '≤ 2' },
          { name: `incident: minutes from the closure to the end of the alerting bin (${binMin} min)`, value: hit ? (hit.binStart + binMs - inc.start) / MIN : NaN },
          { name: `slowdown alerts opened elsewhere (${binMin}-min bins)`, value: others.length },
          { name: `  of which false alarms (true speed ≥ 70 % of free flow)`, value: falseAlarms },
        );
      }
      const learned = await buildTraffic(db.connection, {});
      const roadCells = declared.map((c) => new Set(c.cells));
      const onRoad = learned.corridors.filter((c) => roadCells.some((s) => c.cells.filter((x) => s.has(x)).length >= 0.8 * c.cells.length)).length;
      figures.push(
        { name: 'learned corridors', value: learned.corridors.length },
        { name: 'learned corridors lying on a road corridor (≥ 80 % of cells), share', value: learned.corridors.length ? onRoad / learned.corridors.length : NaN },
      );
    } finally {
      db.close();
    }
    return { figures: [...figures, ...forecastFigures] };
  },
};

/**
 * The truth per corridor and bin: devices entering the corridor's edges in the bin, and the median
 * over those devices of their speed along the corridor (Σ length of its edges they drove / Σ time).
 */
function trueCorridorBins(corridors: ReturnType<typeof roadCorridors>, trav: readonly TrueRoadTraversal[], binMs: number): Map<string, { devices: number; speedKmh: number }> {
  const edgeCorr = new Map<string, { id: string; len: number }[]>();
  for (const c of corridors) for (const e of c.edges) (edgeCorr.get(e) ?? edgeCorr.set(e, []).get(e)!).push({ id: c.id, len: 0 });
  const lens = new Map<string, number>();
  for (const c of corridors) {
    // Edge lengths from the corridor geometry (one vertex per edge end).
    const co = c.geometry.coordinates;
    c.edges.forEach((e, i) => lens.set(e, haversine(co[i]!, co[i + 1]!)));
  }
  const acc = new Map<string, { m: number; ms: number }>();
  for (const t of trav) {
    const cs = edgeCorr.get(t.edge);
    if (!cs) continue;
    const bin = Math.floor(t.enter / binMs) * binMs;
    for (const c of cs) {
      const key = `${c.id}|${bin}|${t.imsi}`;
      let a = acc.get(key);
      if (!a) acc.set(key, (a = { m: 0, ms: 0 }));
      a.m += lens.get(t.edge)!;
      a.ms += Math.max(1, t.exit - t.enter);
    }
  }
  const per = new Map<string, number[]>();
  for (const [key, a] of acc) {
    const k = key.slice(0, key.lastIndexOf('|'));
    (per.get(k) ?? per.set(k, []).get(k)!).push((a.m / a.ms) * 3_600);
  }
  const out = new Map<string, { devices: number; speedKmh: number }>();
  for (const [k, v] of per) out.set(k, { devices: v.length, speedKmh: percentile(v, 0.5) });
  return out;
}

function haversine(a: number[], b: number[]): number {
  const R = 6_371_008.8, rad = Math.PI / 180;
  const dLat = (b[1]! - a[1]!) * rad, dLon = (b[0]! - a[0]!) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1]! * rad) * Math.cos(b[1]! * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * R * Math.asin(Math.sqrt(h));
}
