// What the radio evidence allows for residents per zone (not a test, not shipped): `node
// scripts/accuracy/population-ideal.ts --city demo|milan [--subscribers 20000,40000] [--seed S]`.
// Builds the simulated residents only (no days simulated, no pipeline) and counts each one as the
// best estimator could: a phone with GPS fixes at its true home's zone; a cell-only phone by the
// calibrated posterior of its evidence — the exact part of its serving sector whose ping-pong
// neighbour is the same (the simulator's own radio plan, at the true home) × the true resident
// density of each zone (the prior the simulator draws homes from, uniform within a zone). Summed over
// the residents, that posterior is unbiased: what stays is the noise of where the ambiguous phones
// really are. So the share of zones within 5 % printed here bounds "residents per zone within 5 %"
// at that city size, whatever rule or density estimate the pipeline uses (docs/population.md).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { FeatureCollection } from 'geojson';
import { Simulation } from '../../src/sim/simulation.ts';

const HELP = `Usage: node scripts/accuracy/population-ideal.ts --city demo|milan [--subscribers N[,N…]] [--seed S]

The best share of zones (≥ 20 true residents) whose resident count any estimator can get within 5 %
from serving sector + ping-pong neighbour evidence (the calibrated posterior of the exact footprint).
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
  // Posterior over zones of a cell-only phone, per (serving sector, neighbour): the footprint's area
  // share in each zone × the zone's prior density, normalised.
  const cache = new Map<string, [number, number][]>();
  const posterior = (x: number, y: number): [number, number][] => {
    const S = idx.serve(x, y, t0), N = idx.neighbour(x, y, t0), key = `${S}|${N}`;
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
  let cellOnly = 0;
  for (const s of sim.subscribers) {
    if (s.visit) continue;
    truth[s.home.zone]++;
    if (s.fixes) { est[s.home.zone]++; continue; }
    cellOnly++;
    for (const [z, p] of posterior(s.home.x, s.home.y)) est[z] += p;
  }
  const errs: number[] = [];
  for (let z = 0; z < zones.length; z++) if (truth[z]! >= 20) errs.push(Math.abs(est[z]! - truth[z]!) / truth[z]!);
  errs.sort((a, b) => a - b);
  const mean = truth.reduce((a, b) => a + b, 0) / zones.length;
  console.log(`${v.city}, ${n} residents (${cellOnly} cell-only, ${mean.toFixed(0)} per zone on average): ideal residents per zone within 5 % in ${(errs.filter((e) => e <= 0.05).length / errs.length).toFixed(3)} of ${errs.length} zones, median error ${errs[errs.length >> 1]!.toFixed(3)}, p90 ${errs[Math.floor(errs.length * 0.9)]!.toFixed(3)}`);
}
