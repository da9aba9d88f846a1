// Diagnosis of home detection (not a test, not shipped as a product): `node scripts/accuracy/population-diagnose.ts
// --work DIR --city demo|milan [--subscribers N] [--seed S]` reads the database and truth a kept
// `npm run accuracy -- --product population --work DIR` run left in DIR/<city>/population, rebuilds the
// simulated people (deterministic) for their true home points, and prints why detected homes miss:
// no home (evidence), wrong zone near the border, wrong zone far away (another place won the nights).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { FeatureCollection } from 'geojson';
import { distanceM } from '../../src/mobility/engine/distance-m.ts';
import { openDatabase } from '../../src/outputs/duckdb/open.ts';
import { detectHomeWork } from '../../src/population/engine/detect-home-work.ts';
import { resolvePopulationConfig } from '../../src/population/engine/population-config.ts';
import { readPopulationInput } from '../../src/population/duckdb/read-population-input.ts';
import { Simulation } from '../../src/sim/simulation.ts';
import { ACCURACY_PSEUDONYMISER } from './simulated-city.ts';
import { POPULATION_DAYS } from './population-accuracy.ts';

const v = parseArgs({ options: { work: { type: 'string' }, city: { type: 'string', default: 'demo' }, subscribers: { type: 'string', default: '1500' }, seed: { type: 'string', default: '1' }, only: { type: 'string', default: 'homes,variants,bounds,ta' } } }).values;
/** Sections to print (`--only a,b`): homes, variants, bounds, ta, zones (per-zone residents, session 21). */
const want = (section: string) => v.only!.split(',').includes(section);
const HERE = dirname(fileURLToPath(import.meta.url));
const subscribers = Number(v.subscribers);
const sim = new Simulation({
  seed: Number(v.seed), subscribers, start: Date.UTC(2026, 2, 2), days: POPULATION_DAYS, visitors: Math.round(subscribers * 0.3), nightsAwayRate: 0.05,
  ...(v.city === 'milan' ? { zones: JSON.parse(readFileSync(join(HERE, '..', '..', '..', 'shared', 'data', 'milan', 'nil_districts.geojson'), 'utf8')) as FeatureCollection } : {}),
});
const dir = join(v.work!, v.city!, 'population');
const db = await openDatabase(join(dir, 'population.duckdb'), { readOnly: true });
const input = await readPopulationInput(db.connection, { zones: 'accuracy' });
db.close();
const cfg = resolvePopulationConfig();
const nights = POPULATION_DAYS;
const hw = new Map(detectHomeWork(input.stays, cfg, undefined, nights).map((h) => [h.device, h]));
const zones = sim.city.zones;
/** Index of the simulated zone holding (x, y) in the city frame, or -1. */
const zoneAt = (x: number, y: number) => { for (let i = 0; i < zones.length; i++) if (zones[i]!.shape.contains(x, y)) return i; return -1; };
/** Night overlap (22–07 UTC) of a stay, ms. */
function nightMs(a: number, b: number): number {
  let ms = 0;
  for (let t = a; t < b; t = Math.min(b, Math.floor(t / 900_000) * 900_000 + 900_000)) {
    const hr = new Date(t).getUTCHours();
    if (hr >= 22 || hr < 7) ms += Math.min(b, Math.floor(t / 900_000) * 900_000 + 900_000) - t;
  }
  return ms;
}
const byDev = new Map<string, typeof input.stays>();
for (const s of input.stays) { let l = byDev.get(s.device); if (!l) byDev.set(s.device, (l = [])); l.push(s); }
const R = Number(process.env.R ?? 1500);
function centroid(dev: string, at: [number, number]): [number, number] {
  let w = 0, la = 0, ln = 0;
  for (const s of byDev.get(dev) ?? []) {
    const m = nightMs(s.start, s.end);
    if (m === 0 || distanceM(at[0], at[1], s.lat, s.lng) > R) continue;
    w += m; la += m * s.lat; ln += m * s.lng;
  }
  return w > 0 ? [la / w, ln / w] : at;
}
if (want('homes')) {
  const alt = new Map<string, number>();
  const abump = (k: string) => alt.set(k, (alt.get(k) ?? 0) + 1);
  const adists: number[] = [];
  const f = sim.city.frame;
  const count = new Map<string, number>();
  const bump = (k: string) => count.set(k, (count.get(k) ?? 0) + 1);
  const dists: number[] = [];
  for (const s of sim.subscribers) {
    if (s.visit) continue;
    const dev = ACCURACY_PSEUDONYMISER.pseudonym(s.imsi);
    const h = hw.get(dev);
    const trueZone = zones[s.home.zone]!.id;
    const lat = f.lat(s.home.y), lng = f.lon(s.home.x);
    const tag = s.nightOff ? 'nightOff' : 'on';
    if (!h || h.homeAt === null) { bump(`no home (${tag}; nights seen ${!h ? 'no stays' : h.nightsSeen < 4 ? '<4' : '≥4'})`); continue; }
    const z = input.zoneOf(h.home!, h.homeAt[0], h.homeAt[1]);
    const c = centroid(dev, h.homeAt);
    const cz = input.zoneOf(h.home!, c[0], c[1]);
    const cd = distanceM(lat, lng, c[0], c[1]);
    adists.push(cd);
    abump(cz === trueZone ? 'right' : cz === null ? 'outside' : cd < 500 ? '<500' : cd < 1000 ? '500-1000' : '>1000');
    const d = distanceM(lat, lng, h.homeAt[0], h.homeAt[1]);
    dists.push(d);
    if (z === trueZone) bump(`right (${tag})`);
    else bump(`wrong: ${z === null ? 'outside zones' : d < 500 ? 'detected centre < 500 m from true home' : d < 1000 ? '500–1000 m' : d < 2000 ? '1–2 km' : '≥ 2 km'} (${tag})`);
  }
  dists.sort((a, b) => a - b);
  for (const [k, n] of [...count].sort()) console.log(`${String(n).padStart(6)}  ${k}`);
  console.log(`distance detected home centre → true home: p50 ${dists[dists.length >> 1]?.toFixed(0)} m, p90 ${dists[Math.floor(dists.length * 0.9)]?.toFixed(0)} m`);
  adists.sort((a, b) => a - b);
  console.log('centroid of night stays within', R, 'm:', [...alt].sort().map(([k, n]) => `${k} ${n}`).join(', '));
  console.log(`  distance: p50 ${adists[adists.length >> 1]?.toFixed(0)} m, p90 ${adists[Math.floor(adists.length * 0.9)]?.toFixed(0)} m`);
}
// Variant: home zone = the zone with the most distinct nights over all the device's places in it.
if (want('variants')) {
  let right = 0, rightDwell = 0, n = 0;
  for (const s of sim.subscribers) {
    if (s.visit) continue;
    const dev = ACCURACY_PSEUDONYMISER.pseudonym(s.imsi);
    const h = hw.get(dev);
    if (!h || h.homeAt === null) continue;
    const perZone = new Map<string, Map<number, number>>();
    for (const st of byDev.get(dev) ?? []) {
      const z = input.zoneOf(st.h3, st.lat, st.lng);
      if (z === null) continue;
      let m = perZone.get(z);
      if (!m) perZone.set(z, (m = new Map()));
      for (let t = st.start; t < st.end;) {
        const e = Math.min(st.end, Math.floor(t / 900_000) * 900_000 + 900_000);
        const d = new Date(t), hr = d.getUTCHours(), day = Math.floor(t / 86_400_000);
        if (hr >= 22) m.set(day, (m.get(day) ?? 0) + e - t);
        else if (hr < 7) m.set(day - 1, (m.get(day - 1) ?? 0) + e - t);
        t = e;
      }
    }
    let best: [string, number, number] | null = null, heaviest: [string, number] | null = null;
    for (const [z, m] of perZone) {
      let c = 0, ms = 0, all = 0;
      for (const v of m.values()) { all += v; if (v >= 3_600_000) { c++; ms += v; } }
      if (!best || c > best[1] || (c === best[1] && ms > best[2])) best = [z, c, ms];
      if (!heaviest || all > heaviest[1]) heaviest = [z, all];
    }
    n++;
    if (best && best[0] === zones[s.home.zone]!.id) right++;
    if (heaviest && heaviest[0] === zones[s.home.zone]!.id) rightDwell++;
  }
  console.log(`zone vote (most nights per zone): right ${right} of ${n} = ${(right / n).toFixed(3)}`);
  console.log(`zone vote (most night-time dwell per zone, duration-weighted): right ${rightDwell} of ${n} = ${(rightDwell / n).toFixed(3)}`);
}
// Variant: residents per zone with each detected home spread uniformly over the res-9 cells within R m of its centre.
if (want('variants')) {
  const { latLngToCell, gridDisk, cellToLatLng } = await import('h3-js');
  const truthRes = new Map<string, number>(), base = new Map<string, number>();
  for (const s of sim.subscribers) if (!s.visit) truthRes.set(zones[s.home.zone]!.id, (truthRes.get(zones[s.home.zone]!.id) ?? 0) + 1);
  for (const h of hw.values()) {
    if (h.homeAt === null) continue;
    const z = input.zoneOf(h.home!, h.homeAt[0], h.homeAt[1]);
    if (z !== null) base.set(z, (base.get(z) ?? 0) + 1);
  }
  const med = (est: Map<string, number>) => {
    const e = [...truthRes].filter(([, v]) => v >= 20).map(([z, v]) => Math.abs((est.get(z) ?? 0) - v) / v).sort((a, b) => a - b);
    return `${e[e.length >> 1]!.toFixed(3)} (within 5 %: ${(e.filter((x) => x <= 0.05).length / e.length).toFixed(2)})`;
  };
  console.log(`residents per zone, median error: home place zone ${med(base)}`);
  for (const R of [300, 500, 800]) {
    const spread = new Map<string, number>();
    for (const h of hw.values()) {
      if (h.homeAt === null) continue;
      const cells = gridDisk(latLngToCell(h.homeAt[0], h.homeAt[1], 9), Math.ceil(R / 300)).filter((c) => { const [a, b] = cellToLatLng(c); return distanceM(a, b, h.homeAt![0], h.homeAt![1]) <= R; });
      const zs = cells.map((c) => { const [a, b] = cellToLatLng(c); return input.zoneOf(c, a, b); }).filter((z): z is string => z !== null);
      for (const z of zs) spread.set(z, (spread.get(z) ?? 0) + 1 / zs.length);
    }
    console.log(`  spread over ${R} m: ${med(spread)}`);
  }
}
// Bound (session 13): what the radio evidence allows. Under the simulator's best-server model a
// stationary cell-only phone reveals its serving sector S and its ping-pong neighbour N, i.e. that it
// lies in the part of S's served area whose second-nearest site is N's: the footprint. The best any
// zone rule can do is the zone holding most of the footprint (× the zone's resident density when a
// census is loaded, the prior the simulator draws homes from); GPS devices keep their place's zone.
// Residents per zone "soft": each home shared over its footprint's zones (expected counts).
if (want('bounds')) {
  const f = sim.city.frame, idx = sim.city.index, t0 = sim.config.start;
  const STEP = 30, REACH = 1500;
  const cache = new Map<string, Map<number, number>>();
  const footprint = (x: number, y: number): Map<number, number> => {
    const S = idx.serve(x, y, t0), N = idx.neighbour(x, y, t0), key = `${S}|${N}`;
    let m = cache.get(key);
    if (m) return m;
    cache.set(key, (m = new Map()));
    for (let dx = -REACH; dx <= REACH; dx += STEP) for (let dy = -REACH; dy <= REACH; dy += STEP) {
      const px = x + dx, py = y + dy;
      if (idx.serve(px, py, t0) !== S || idx.neighbour(px, py, t0) !== N) continue;
      const z = zoneAt(px, py);
      if (z >= 0) m.set(z, (m.get(z) ?? 0) + 1);
    }
    return m;
  };
  const add = (m: Map<number, number>, k: number, w = 1) => m.set(k, (m.get(k) ?? 0) + w);
  const truth = new Map<number, number>(), hard = new Map<number, number>(), prior = new Map<number, number>(), soft = new Map<number, number>();
  let n = 0, rightHard = 0, rightPrior = 0;
  for (const s of sim.subscribers) {
    if (s.visit) continue;
    add(truth, s.home.zone);
    const h = hw.get(ACCURACY_PSEUDONYMISER.pseudonym(s.imsi));
    if (!h || h.homeAt === null) continue;
    n++;
    const x = f.x(h.homeAt[1]), y = f.y(h.homeAt[0]);
    const fp = s.fixes ? new Map([[zoneAt(x, y), 1]]) : footprint(x, y);
    let best = -1, bw = -1, bestP = -1, bwP = -1, tot = 0;
    for (const [z, c] of fp) {
      if (z < 0) continue;
      tot += c;
      const cp = c * zones[z]!.weight / zones[z]!.areaM2;
      if (c > bw) [best, bw] = [z, c];
      if (cp > bwP) [bestP, bwP] = [z, cp];
    }
    if (best === s.home.zone) rightHard++;
    if (bestP === s.home.zone) rightPrior++;
    if (best >= 0) add(hard, best);
    if (bestP >= 0) add(prior, bestP);
    for (const [z, c] of fp) if (z >= 0) add(soft, z, c / tot);
  }
  const med = (e: Map<number, number>) => {
    const a = [...truth].filter(([, c]) => c >= 20).map(([z, c]) => Math.abs((e.get(z) ?? 0) - c) / c).sort((p, q) => p - q);
    return `median error ${a[a.length >> 1]!.toFixed(3)}, within 5 % ${(a.filter((x) => x <= 0.05).length / a.length).toFixed(2)} of ${a.length} zones`;
  };
  console.log(`bound: home zone right with the footprint's zone ${(rightHard / n).toFixed(3)}, × resident density ${(rightPrior / n).toFixed(3)} (of ${n})`);
  console.log(`bound: residents per zone — footprint's zone: ${med(hard)}; × density: ${med(prior)}; shared over the footprint: ${med(soft)}`);
}
// Bound with timing advance (session 20): evidence the simulated network does not emit, measured
// before building it. LTE reports the round trip as TA in steps of 16 Ts ≈ 78.12 m of distance from
// the serving site, so a stationary phone's connected-mode events would also say which 78 m ring
// around S's site it lies in. The footprint is then the part of S's served area whose second-nearest
// site is N's and whose distance to S's site falls in the phone's ring; the best zone rule is again
// the zone holding most of it. Computed at the true home, cell-only homes only (GPS homes keep their
// point); `TA_STEP` (m) sets the ring width, to see what a coarser report would give.
if (want('ta')) {
  const idx = sim.city.index, t0 = sim.config.start, sites = sim.city.sites;
  const STEP = 20, REACH = 1500, TA = Number(process.env.TA_STEP ?? 78.12);
  const best = (x: number, y: number, withTa: boolean): number => {
    const S = idx.serve(x, y, t0), N = idx.neighbour(x, y, t0);
    const site = sites[Math.floor(S / 3)]!;
    const ring = Math.floor(Math.hypot(x - site.x, y - site.y) / TA);
    const m = new Map<number, number>();
    for (let dx = -REACH; dx <= REACH; dx += STEP) for (let dy = -REACH; dy <= REACH; dy += STEP) {
      const px = x + dx, py = y + dy;
      if (withTa && Math.floor(Math.hypot(px - site.x, py - site.y) / TA) !== ring) continue;
      if (idx.serve(px, py, t0) !== S || idx.neighbour(px, py, t0) !== N) continue;
      const z = zoneAt(px, py);
      if (z >= 0) m.set(z, (m.get(z) ?? 0) + 1);
    }
    let b = -1, bw = -1;
    for (const [z, c] of m) if (c > bw) [b, bw] = [z, c];
    return b;
  };
  let n = 0, cellOnly = 0, right = 0, rightTa = 0;
  for (const s of sim.subscribers) {
    if (s.visit) continue;
    const h = hw.get(ACCURACY_PSEUDONYMISER.pseudonym(s.imsi));
    if (!h || h.homeAt === null) continue;
    n++;
    if (s.fixes) { const z = input.zoneOf(h.home!, h.homeAt[0], h.homeAt[1]); if (z === zones[s.home.zone]!.id) { right++; rightTa++; } continue; }
    cellOnly++;
    if (best(s.home.x, s.home.y, false) === s.home.zone) right++;
    if (best(s.home.x, s.home.y, true) === s.home.zone) rightTa++;
  }
  console.log(`bound at the true home (${cellOnly} cell-only of ${n}): footprint's zone ${(right / n).toFixed(3)}; with timing advance (${TA} m rings) ${(rightTa / n).toFixed(3)}`);
}
// Residents per zone, zone by zone (session 21): where the footprint estimate (what the accuracy
// command scores) leaves a zone outside 5 %, and which step does it. Columns, for each zone with ≥ 20
// true residents: true residents; the estimate (`buildPopulation` with the cell table's footprints,
// as the accuracy command); each detected home counted whole in its zone; the oracle (each detected
// domestic resident at its true zone: detection misses only); detected homes that are not residents
// (domestic visitors with a home); the model's footprints with its own density rounds (0, 2, 10, 50)
// and with the true resident density as the prior; the simulator's exact footprint at the true home
// shared by area alone and × the true density (a calibrated posterior: unbiased but for noise).
if (want('zones')) {
  const { CellTable } = await import('../../src/locate/cell-table.ts');
  const { buildPopulation } = await import('../../src/population/export/build-population.ts');
  const { placeShares } = await import('../../src/population/engine/place-shares.ts');
  const { zoneDensities, posterior } = await import('../../src/population/engine/footprint-deconvolution.ts');
  const { homeZone, workZone } = await import('../../src/population/engine/classify-population.ts');
  const from = sim.config.start, to = from + POPULATION_DAYS * 86_400_000;
  const fpOf = CellTable.fromCsv(readFileSync(join(dir, 'city', 'cells.csv'), 'utf8'), 9).footprints();
  const built = buildPopulation(input, { config: cfg, k: 2, from, to, footprints: fpOf });
  const est = new Map(built.zones.map((z) => [z.zone, z.residents]));
  let last = -Infinity;
  for (const s of input.stays) last = Math.max(last, s.end);
  const shares = placeShares(fpOf, input.zoneOf, Math.min(to, last) - 1);
  const zoneIdx = new Map(zones.map((z, i) => [z.id, i]));
  const areaOf = (z: string) => zones[zoneIdx.get(z) ?? -1]?.areaM2 ?? null;
  const add = (m: Map<string, number>, k: string, w = 1) => m.set(k, (m.get(k) ?? 0) + w);
  const subOf = new Map(sim.subscribers.map((s) => [ACCURACY_PSEUDONYMISER.pseudonym(s.imsi), s]));
  const truth = new Map<string, number>(), whole = new Map<string, number>(), oracle = new Map<string, number>(), notRes = new Map<string, number>();
  for (const s of sim.subscribers) if (!s.visit) add(truth, zones[s.home.zone]!.id);
  // The detected homes the estimate counts: domestic devices (roamers never), home in a zone.
  const homeMcc = sim.subscribers.find((x) => !x.visit)!.imsi.slice(0, 3);
  const homes: { s: (typeof sim.subscribers)[number] | undefined; map: ReadonlyMap<string, number> }[] = [];
  for (const h of hw.values()) {
    const s = subOf.get(h.device);
    if (s?.visit && s.imsi.slice(0, 3) !== homeMcc) continue;
    const hz = homeZone(h, input);
    if (hz === null) continue;
    add(whole, hz);
    if (s && !s.visit) add(oracle, zones[s.home.zone]!.id);
    else add(notRes, hz);
    homes.push({ s, map: shares('home', h) ?? new Map([[hz, 1]]) });
  }
  const trueDensity = new Map([...truth].map(([z, c]) => [z, c / areaOf(z)!]));
  const em = (rounds: number) => {
    const d = rounds > 0 ? zoneDensities(homes.map((x) => x.map), areaOf, rounds) : null;
    const out = new Map<string, number>();
    for (const x of homes) for (const [z, p] of posterior(x.map, d)) add(out, z, p);
    return out;
  };
  // Workers: the estimate against truth, and two oracles — every true worker (work zone ≠ home zone)
  // whose work place was detected, at its true work zone (detection misses only); and every detected
  // work place of a resident at its true work zone when that differs from the true home zone.
  {
    const subs = new Map(sim.subscribers.map((s) => [ACCURACY_PSEUDONYMISER.pseudonym(s.imsi), s]));
    const tw = new Map<string, number>(), detected = new Map<string, number>();
    let trueWorkers = 0, found = 0, wrongHomeZone = 0;
    for (const s of sim.subscribers) if (!s.visit && s.work && s.work.zone !== s.home.zone) { tw.set(zones[s.work.zone]!.id, (tw.get(zones[s.work.zone]!.id) ?? 0) + 1); trueWorkers++; }
    for (const h of hw.values()) {
      const s = subs.get(h.device);
      if (!s || s.visit || !s.work || s.work.zone === s.home.zone || workZone(h, input) === null) continue;
      found++;
      detected.set(zones[s.work.zone]!.id, (detected.get(zones[s.work.zone]!.id) ?? 0) + 1);
      if (homeZone(h, input) === zones[s.work.zone]!.id) wrongHomeZone++;
    }
    const estW = new Map(built.zones.map((z) => [z.zone, z.workers]));
    const line = (name: string, m: Map<string, number>) => {
      const e = [...tw].filter(([, c]) => c >= 20).map(([z, c]) => Math.abs((m.get(z) ?? 0) - c) / c).sort((a, b) => a - b);
      console.log(`workers: ${name.padEnd(40)} within 10 % ${(e.filter((x) => x <= 0.1).length / e.length).toFixed(3)} of ${e.length} zones, median ${e[e.length >> 1]!.toFixed(3)}, total ${[...m.values()].reduce((a, b) => a + b, 0).toFixed(0)} of ${trueWorkers}`);
    };
    line('estimate', estW);
    line('detected work places at the true zone', detected);
    // Variants of the worker count over the same detected work places: EM rounds over work densities,
    // the true work-place density as the prior, the home share ignored, work places whole.
    const workTrue = new Map<string, number>();
    for (const s of sim.subscribers) if (!s.visit && s.work) workTrue.set(zones[s.work.zone]!.id, (workTrue.get(zones[s.work.zone]!.id) ?? 0) + 1 / zones[s.work.zone]!.areaM2);
    const devs: { home: ReadonlyMap<string, number>; work: ReadonlyMap<string, number>; wz: string }[] = [];
    const hd = zoneDensities(homes.map((x) => x.map), areaOf, 10);
    for (const h of hw.values()) {
      const sub = subs.get(h.device);
      if (sub?.visit && sub.imsi.slice(0, 3) !== homeMcc) continue;
      const hz = homeZone(h, input), wz = workZone(h, input);
      if (hz === null || wz === null) continue;
      devs.push({ home: posterior(shares('home', h) ?? new Map([[hz, 1]]), hd), work: shares('work', h) ?? new Map([[wz, 1]]), wz });
    }
    const count = (density: ReadonlyMap<string, number> | null, homeShare: boolean, whole = false) => {
      const m = new Map<string, number>();
      for (const d of devs) {
        const work = whole ? new Map([[d.wz, 1]]) : posterior(d.work, density);
        for (const [z, p] of work) m.set(z, (m.get(z) ?? 0) + p * (homeShare ? 1 - (d.home.get(z) ?? 0) : 1));
      }
      return m;
    };
    for (const r of [0, 2, 10, 50]) line(`EM ${r} over work densities`, count(r ? zoneDensities(devs.map((d) => d.work), areaOf, r) : null, true));
    line('true work-place density', count(workTrue, true));
    line('EM 10, home share ignored', count(zoneDensities(devs.map((d) => d.work), areaOf, 10), false));
    line('work places whole', count(null, true, true));
    console.log(`workers: ${found} of ${trueWorkers} true workers have a detected work place; ${wrongHomeZone} of those have their detected home in their true work zone`);
  }
  const variants: [string, Map<string, number>][] = [['estimate', est], ['whole', whole], ['oracle', oracle]];
  for (const r of [0, 2, 10, 50]) variants.push([`EM ${r}`, em(r)]);
  { const out = new Map<string, number>(); for (const x of homes) for (const [z, p] of posterior(x.map, trueDensity)) add(out, z, p); variants.push(['model × true density', out]); }
  // The simulator's exact footprint (serving sector S, neighbour N) at the true home, on a 30 m grid.
  const idx = sim.city.index, t0 = sim.config.start, cache = new Map<string, Map<string, number>>();
  const exact = (x: number, y: number) => {
    const S = idx.serve(x, y, t0), N = idx.neighbour(x, y, t0), key = `${S}|${N}`;
    let m = cache.get(key);
    if (m) return m;
    cache.set(key, (m = new Map()));
    let n = 0;
    for (let dx = -1500; dx <= 1500; dx += 30) for (let dy = -1500; dy <= 1500; dy += 30) {
      if (idx.serve(x + dx, y + dy, t0) !== S || idx.neighbour(x + dx, y + dy, t0) !== N) continue;
      const z = zoneAt(x + dx, y + dy);
      if (z >= 0) { add(m, zones[z]!.id); n++; }
    }
    for (const [z, c] of m) m.set(z, c / n);
    return m;
  };
  const exactUniform = new Map<string, number>(), exactPrior = new Map<string, number>();
  for (const x of homes) {
    if (!x.s || x.s.visit) continue;
    const m = x.s.fixes ? new Map([[zones[x.s.home.zone]!.id, 1]]) : exact(x.s.home.x, x.s.home.y);
    for (const [z, p] of m) add(exactUniform, z, p);
    for (const [z, p] of posterior(m, trueDensity)) add(exactPrior, z, p);
  }
  variants.push(['exact at true home', exactUniform], ['exact × true density', exactPrior]);
  const zs = [...truth].filter(([, c]) => c >= 20).map(([z]) => z);
  const err = (m: Map<string, number>, z: string) => ((m.get(z) ?? 0) - truth.get(z)!) / truth.get(z)!;
  for (const [name, m] of variants) {
    const e = zs.map((z) => Math.abs(err(m, z))).sort((a, b) => a - b);
    console.log(`${name.padEnd(22)} median error ${e[e.length >> 1]!.toFixed(3)}, within 5 % ${(e.filter((x) => x <= 0.05).length / e.length).toFixed(3)} of ${e.length} zones, total ${[...m.values()].reduce((a, b) => a + b, 0).toFixed(0)}`);
  }
  // Does a zone's error follow its density relative to its neighbours (smoothing) or its area?
  const neighbours = (z: string) => { const c = zones[zoneIdx.get(z)!]!.center; return zs.filter((o) => { const d = zones[zoneIdx.get(o)!]!.center; return o !== z && distanceM(c.lat, c.lon, d.lat, d.lon) < 2000; }); };
  const rel = (z: string) => { const n = neighbours(z); return n.length ? trueDensity.get(z)! / (n.reduce((a, o) => a + trueDensity.get(o)!, 0) / n.length) : NaN; };
  const corr = (a: number[], b: number[]) => { const ma = a.reduce((x, y) => x + y, 0) / a.length, mb = b.reduce((x, y) => x + y, 0) / b.length; let sab = 0, saa = 0, sbb = 0; for (let i = 0; i < a.length; i++) { sab += (a[i]! - ma) * (b[i]! - mb); saa += (a[i]! - ma) ** 2; sbb += (b[i]! - mb) ** 2; } return sab / Math.sqrt(saa * sbb); };
  const ok = zs.filter((z) => Number.isFinite(rel(z)));
  for (const [name, m] of variants) console.log(`${name.padEnd(22)} corr(error, log density ÷ neighbours') ${corr(ok.map((z) => err(m, z)), ok.map((z) => Math.log(rel(z)))).toFixed(2)}, corr(error, log area) ${corr(ok.map((z) => err(m, z)), ok.map((z) => Math.log(areaOf(z)!))).toFixed(2)}`);
  console.log(`zone   true  ${variants.map(([n]) => n.slice(0, 10).padStart(10)).join(' ')}  not-res  km²  dens÷nb`);
  for (const z of zs.sort((a, b) => err(est, a) - err(est, b))) {
    console.log(`${z.padEnd(6)} ${String(truth.get(z)).padStart(5)} ${variants.map(([, m]) => `${(err(m, z) * 100).toFixed(1)}%`.padStart(10)).join(' ')}  ${String(notRes.get(z) ?? 0).padStart(7)} ${(areaOf(z)! / 1e6).toFixed(2).padStart(5)} ${rel(z).toFixed(2).padStart(7)}`);
  }
}
