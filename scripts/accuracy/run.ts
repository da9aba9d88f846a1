// The accuracy command: `npm run accuracy -- [--product od] [--city demo|milan|all] [--subscribers N]
// [--seed S] [--work DIR]`. Simulates each city, runs the pipeline and compares its products with
// the simulator's ground truth; prints a Markdown table per city. Not a test: nothing asserts here.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { FeatureCollection } from 'geojson';
import { resolveMobilityConfig } from '../../src/mobility/engine/mobility-config.ts';
import type { SimConfig } from '../../src/sim/sim-config.ts';
import type { AccuracyProduct } from './accuracy-product.ts';
import { forecastAccuracy } from './forecast-accuracy.ts';
import { odAccuracy } from './od-accuracy.ts';
import { populationAccuracy } from './population-accuracy.ts';
import { trafficAccuracy } from './traffic-accuracy.ts';

/** Every product with an accuracy check; later issues add population and traffic here. */
const PRODUCTS: Record<string, AccuracyProduct> = { od: odAccuracy, population: populationAccuracy, traffic: trafficAccuracy, forecast: forecastAccuracy };
const CITIES = ['demo', 'milan'] as const;
type City = (typeof CITIES)[number];

const HERE = dirname(fileURLToPath(import.meta.url));
/** The Milan districts (NIL), read from ../shared/data/milan/ relative to the repository. */
const MILAN = join(HERE, '..', '..', '..', 'shared', 'data', 'milan', 'nil_districts.geojson');

const HELP = `Usage: npm run accuracy -- [options]

Measures products against the simulator's ground truth and prints the figures.

Options:
  --product P      ${Object.keys(PRODUCTS).join(' | ')} | all (default all)
  --city C         demo (the main job's generated city) | milan (NIL districts from
                   ../shared/data/milan/nil_districts.geojson) | all (default all)
  --subscribers N  simulated devices per city (default 4000)
  --seed S         simulator seed (default 1)
  --days D         simulated days (default 1; the traffic figures of the issue use 7)
  --work DIR       scratch folder (default: a temp folder, removed afterwards)
  --set KEY=VALUE  override a MobilityConfig field, e.g. --set cellRadiusM=800 (repeatable)
  -h, --help       this help

Environment:
  CP_PLACER=off    leave the cell table's stay placer (ping-pong triangulation) out of the
                   trajectory layer, for before/after figures (docs/mobility.md)

Products:
${Object.values(PRODUCTS).map((p) => `  ${p.name.padEnd(6)} ${p.summary}`).join('\n')}
`;

async function main(): Promise<number> {
  let v;
  try {
    v = parseArgs({
      options: {
        product: { type: 'string', default: 'all' }, city: { type: 'string', default: 'all' },
        subscribers: { type: 'string', default: '4000' }, seed: { type: 'string', default: '1' }, days: { type: 'string', default: '1' },
        work: { type: 'string' }, set: { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (err) {
    process.stderr.write(`accuracy: ${(err as Error).message}\n${HELP}`);
    return 2;
  }
  if (v.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const products = v.product === 'all' ? Object.values(PRODUCTS) : [PRODUCTS[v.product!]];
  if (products.some((p) => !p)) return usage(`--product must be one of ${Object.keys(PRODUCTS).join(', ')}, all; got ${v.product}`);
  const cities = (v.city === 'all' ? [...CITIES] : [v.city]) as City[];
  if (cities.some((c) => !CITIES.includes(c))) return usage(`--city must be one of ${CITIES.join(', ')}, all; got ${v.city}`);
  const subscribers = Number(v.subscribers), seed = Number(v.seed);
  if (!Number.isInteger(subscribers) || subscribers < 1) return usage(`--subscribers must be a positive integer, got ${v.subscribers}`);
  if (!Number.isInteger(seed)) return usage(`--seed must be an integer, got ${v.seed}`);
  const days = Number(v.days);
  if (!Number.isInteger(days) || days < 1 || days > 28) return usage(`--days must be an integer in [1, 28], got ${v.days}`);
  const mobility: Record<string, number> = {};
  for (const kv of v.set ?? []) {
    const m = /^(\w+)=(-?[\d.]+)$/.exec(kv);
    if (!m) return usage(`--set expects KEY=NUMBER, got ${kv}`);
    mobility[m[1]!] = Number(m[2]);
  }
  try {
    resolveMobilityConfig(mobility);
  } catch (err) {
    return usage(`--set: ${(err as Error).message}`);
  }
  const work = v.work ?? mkdtempSync(join(tmpdir(), 'citypulse-accuracy-'));
  try {
    for (const city of cities) {
      const sim: SimConfig = { seed, subscribers, days, start: Date.UTC(2026, 2, 2) };
      if (city === 'milan') {
        try {
          sim.zones = JSON.parse(readFileSync(MILAN, 'utf8')) as FeatureCollection;
        } catch (err) {
          process.stderr.write(`accuracy: cannot read the Milan districts at ${MILAN}: ${(err as Error).message}\n`);
          return 1;
        }
      }
      for (const p of products) {
        const t0 = performance.now();
        process.stderr.write(`accuracy: ${p!.name} on ${city} (${subscribers} devices, seed ${seed}) ${JSON.stringify(mobility)} …\n`);
        const report = await p!.run({ workDir: join(work, city), mobility, log: (m) => process.stderr.write(`  ${m}\n`) }, sim);
        const simulated = p!.days ?? days;
        process.stdout.write(`\n### ${p!.name} — ${city} (${subscribers} devices, ${simulated} day${simulated > 1 ? 's' : ''}, seed ${seed}, ${((performance.now() - t0) / 1000).toFixed(0)} s)\n\n| figure | value | target |\n|---|---:|---|\n`);
        for (const f of report.figures) {
          const val = Number.isInteger(f.value) ? String(f.value) : f.value.toFixed(3);
          process.stdout.write(`| ${f.name} | ${val} | ${f.target ?? ''} |\n`);
        }
      }
    }
  } finally {
    if (!v.work) rmSync(work, { recursive: true, force: true });
  }
  return 0;
}

function usage(msg: string): number {
  process.stderr.write(`accuracy: ${msg}\n`);
  return 2;
}

process.exitCode = await main();
