// What the radio evidence allows for residents per zone (not a test, not shipped): `node
// scripts/accuracy/population-ideal.ts --city demo|milan [--subscribers 20000,40000] [--seed S]`.
// Builds the simulated residents only (no days simulated, no pipeline) and counts each one as the
// best estimator could: a phone with GPS fixes at its true home's zone; a cell-only phone by the
// calibrated posterior of its evidence — the exact part of its serving sector whose ping-pong
// neighbour is the same (the simulator's own radio plan, at the true home) × the true resident
// density of each zone (the prior the simulator draws homes from, uniform within a zone). Summed over
// the residents, that posterior is unbiased: what stays is the noise of where the ambiguous phones
// really are. So the share of zones within 5 % printed here bounds "residents per zone within 5 %"
// at that city size, whatever rule or density estimate the pipeline uses (docs/population.md); the
// same for workers within 10 % (work place by the same posterior with the density of true work
// places, times the chance the home is elsewhere, as the pipeline counts a worker).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { FeatureCollection } from 'geojson';
import { Simulation } from '../../src/sim/simulation.ts';

const HELP = `Usage: node scripts/accuracy/population-ideal.ts --city demo|milan [--subscribers N[,N…]] [--seed S]

The best share of zones (≥ 20 true) whose residents any estimator can get within 5 %, and workers
within 10 %, from serving sector + ping-pong neighbour evidence (the calibrated posterior of the
exact footprint).
  --city demo|milan   the simulated city (default demo)
  --subscribers LIST  residents, comma-separated (default 1500,20000,40000)
  --seed S            simulator seed (default 1)
`;
const v = parseArgs({ options: { city: { type: 'string', default: 'demo' }, subscribers: { type: 'string', default: '1500,20000,40000' }, seed: { type: 'string', default: '1' }, help: { type: 'boolean' } } }).values;
if (v.help) { process.stdout.write(HELP); process.exit(0); }
if (v.city !== 'demo' && v.city !== 'milan') { process.stderr.write(`--city must be demo or milan, got ${v.city}\n${HELP}`); process.exit(2); }
const sizes = v.subscribers!.split(',').map(Number);
if (sizes.some((n) => !Number.isInteger(n) || n < 1)) { process.stderr.write(`--subscribers must be positive integers, got ${v.subscribers}\n`); process.exit(2); }
const HERE = dirname(fileURLToPath(import.meta.url));
const zonesGeo = v.city === 'milan' ? JSON.parse(readFileSync(join(HERE, '..', '..', '..', 'shared', 'data', 'milan', 'nil_districts.geojson'), 'utf8')) as FeatureCollection : undefined;
const STEP = 30, REACH = 1500;
for (const n of sizes) {
  const sim = new Simulation({ seed: Number(v.seed), subscribers: n, start: Date.UTC(2026, 2, 2), days: 1, ...(zonesGeo ? { zones: zonesGeo } : {}) });
  const zones = sim.city.zones, idx = sim.city.index, t0 = sim.config.start;
  const zoneAt = (x: number, y: number) => { for (let i = 0; i < zones.length; i++) if (zones[i]!.shape.contains(x, y)) return i; return -1; };
  const prior = zones.map((z) => z.weight / z.areaM2);
  // Work places: the realised density of true work places per zone (workers' offices and students'
  // schools are drawn differently; their count per zone is the density the estimator would need).
  const workPrior = new Float64Array(zones.length);
  for (const s of sim.subscribers) if (!s.visit && s.work) workPrior[s.work.zone]++;
  for (let z = 0; z < zones.length; z++) workPrior[z] /= zones[z]!.areaM2;
  // Posterior over zones of a cell-only phone, per (serving sector, neighbour): the footprint's area
  // share in each zone × the zone's prior density, normalised.
  const caches = new Map<ArrayLike<number>, Map<string, [number, number][]>>();
  const posterior = (x: number, y: number, prior: ArrayLike<number>): [number, number][] => {
    const S = idx.serve(x, y, t0), N = idx.neighbour(x, y, t0), key = `${S}|${N}`;
    let cache = caches.get(prior);
    if (!cache) caches.set(prior, (cache = new Map()));
    let p = cache.get(key);
    if (p) return p;
    const m = new Map<number, number>();
    for (let dx = -REACH; dx <= REACH; dx += STEP) for (let dy = -REACH; dy <= REACH; dy += STEP) {
      if (idx.serve(x + dx, y + dy, t0) !== S || idx.neighbour(x + dx, y + dy, t0) !== N) continue;
      const z = zoneAt(x + dx, y + dy);
      if (z >= 0) m.set(z, (m.get(z) ?? 0) + prior[z]!);
    }
    const tot = [...m.values()].reduce((a, b) => a + b, 0);
    cache.set(key, (p = [...m].map(([z, w]) => [z, w / tot])));
    return p;
  };
  const truth = new Float64Array(zones.length), est = new Float64Array(zones.length);
  const truthWork = new Float64Array(zones.length), estWork = new Float64Array(zones.length);
  let cellOnly = 0;
  for (const s of sim.subscribers) {
    if (s.visit) continue;
    truth[s.home.zone]++;
    // Where home and work may be: certain with GPS fixes, else the calibrated posterior.
    const home: [number, number][] = s.fixes ? [[s.home.zone, 1]] : posterior(s.home.x, s.home.y, prior);
    if (!s.fixes) cellOnly++;
    for (const [z, p] of home) est[z] += p;
    if (!s.work) continue;
    if (s.work.zone !== s.home.zone) truthWork[s.work.zone]++;
    // A worker of zone z: works there and lives elsewhere (as the pipeline counts it).
    for (const [z, p] of s.fixes ? [[s.work.zone, 1] as [number, number]] : posterior(s.work.x, s.work.y, workPrior)) estWork[z] += p * (1 - (home.find(([h]) => h === z)?.[1] ?? 0));
  }
  const report = (what: string, t: Float64Array, e: Float64Array, tol: number) => {
    const errs: number[] = [];
    for (let z = 0; z < zones.length; z++) if (t[z]! >= 20) errs.push(Math.abs(e[z]! - t[z]!) / t[z]!);
    errs.sort((a, b) => a - b);
    return `${what} within ${tol * 100} % in ${(errs.filter((x) => x <= tol).length / errs.length).toFixed(3)} of ${errs.length} zones (median error ${errs[errs.length >> 1]!.toFixed(3)}, p90 ${errs[Math.floor(errs.length * 0.9)]!.toFixed(3)})`;
  };
  const mean = truth.reduce((a, b) => a + b, 0) / zones.length;
  console.log(`${v.city}, ${n} residents (${cellOnly} cell-only, ${mean.toFixed(0)} per zone on average): ideal ${report('residents', truth, est, 0.05)}; ${report('workers', truthWork, estWork, 0.10)}`);
}
