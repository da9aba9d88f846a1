import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mobilityPlugin } from '../../src/mobility/plugin/mobility-plugin.ts';
import { openDatabase } from '../../src/outputs/duckdb/open.ts';
import { homeZone, workZone } from '../../src/population/engine/classify-population.ts';
import { resolvePopulationConfig } from '../../src/population/engine/population-config.ts';
import { readPopulationInput } from '../../src/population/duckdb/read-population-input.ts';
import { buildPopulation, type PopulationDay, type PopulationResult } from '../../src/population/export/build-population.ts';
import { CellTable } from '../../src/locate/cell-table.ts';
import { populationPlugins } from '../../src/population/plugin/population-plugin.ts';
import type { SimConfig } from '../../src/sim/sim-config.ts';
import { Simulation } from '../../src/sim/simulation.ts';
import { PopulationTruth } from '../../src/sim/truth/population-truth.ts';
import type { TrueVisit } from '../../src/sim/truth/truth-sink.ts';
import type { AccuracyContext, AccuracyProduct, AccuracyReport } from './accuracy-product.ts';
import { bump, cpc } from './metrics.ts';
import { ACCURACY_PSEUDONYMISER, placerOf, ingestCity, loadCityZones, simulateCity } from './simulated-city.ts';

const ZS = 'accuracy';
/** Zones with fewer true devices than this are left out of the per-zone error figures (noise). */
const MIN_ZONE = 20;

/** Days simulated for the population product (two weeks, as the issue asks). */
export const POPULATION_DAYS = 14;

/**
 * Population accuracy (docs/population.md) on two simulated weeks with visitors (30 % of the
 * subscribers on top: 40 % of them inbound roamers) and 5 % nights away: detected home/work zone
 * right, residents and workers per zone, visitors by origin (domestic home zone, roamer country,
 * unknown), roamers never residents. The simulator's truth is keyed by IMSI; the run pseudonymises
 * those IMSIs with the ingest key to join.
 */
export const populationAccuracy: AccuracyProduct = {
  name: 'population',
  summary: 'home/work detection, residents/workers per zone, visitors by origin against the simulator truth',
  days: POPULATION_DAYS,
  async run(ctx: AccuracyContext, sim: SimConfig): Promise<AccuracyReport> {
    const dir = join(ctx.workDir, 'population');
    const cfg: SimConfig = { ...sim, days: POPULATION_DAYS, visitors: Math.round((sim.subscribers ?? 4000) * 0.3), nightsAwayRate: 0.05 };
    const dbPath = join(dir, 'population.duckdb');
    const truthDir = join(dir, 'truth');
    // With --work, a finished run's database and truth are reused (re-measure after changing the
    // population engine without simulating and ingesting again); the `done` marker says they are whole.
    if (!existsSync(join(dir, 'done'))) {
      const visits: TrueVisit[] = [];
      ctx.log(`simulate ${POPULATION_DAYS} days, ${cfg.subscribers} residents + ${cfg.visitors} visitors`);
      const city = await simulateCity(join(dir, 'city'), cfg, { visit: (v) => visits.push(v) });
      ctx.log(`ingest ${city.records} records`);
      rmSync(dbPath, { force: true });
      await ingestCity(city, dbPath, [mobilityPlugin({}, placerOf(city.cells)) as never, ...populationPlugins()]);
      await loadCityZones(city, dbPath, ZS);
      const truth = new PopulationTruth(city.sim.subscribers, city.sim.city.zones);
      for (const v of visits) truth.visit(v);
      mkdirSync(truthDir, { recursive: true });
      writeFileSync(join(truthDir, 'homes.csv'), truth.homesCsv());
      writeFileSync(join(truthDir, 'visitors.csv'), truth.visitorsCsv());
      writeFileSync(join(truthDir, 'days.csv'), truth.daysCsv());
      writeFileSync(join(dir, 'done'), '');
    } else {
      ctx.log(`reusing ${dbPath} and ${truthDir}`);
      if (!existsSync(join(truthDir, 'days.csv'))) {
        // A run kept from before the per-day truth: the simulator is deterministic, so simulate again for the visits alone.
        ctx.log('simulate again for truth/days.csv (the kept run has none)');
        const sim = new Simulation(cfg);
        const truth = new PopulationTruth(sim.subscribers, sim.city.zones);
        for (const chunk of sim.chunks({ visit: (v) => truth.visit(v) })) void chunk;
        writeFileSync(join(truthDir, 'days.csv'), truth.daysCsv());
      }
    }
    const homes = parseCsv(readFileSync(join(truthDir, 'homes.csv'), 'utf8'));
    const db = await openDatabase(dbPath, { readOnly: true });
    let result, whole: PopulationResult, days: PopulationDay[] | undefined;
    try {
      const input = await readPopulationInput(db.connection, { zones: ZS });
      // Footprints from the cell table the city was ingested with (CP_FOOTPRINTS=off: every home and work place whole).
      const footprints = process.env.CP_FOOTPRINTS === 'off' ? undefined : CellTable.fromCsv(readFileSync(join(dir, 'city', 'cells.csv'), 'utf8'), 9).footprints();
      result = buildPopulation(input, { config: resolvePopulationConfig(), k: 2, from: cfg.start, to: (cfg.start ?? 0) + POPULATION_DAYS * 86_400_000, ...(footprints ? { footprints } : {}) });
      // Residents counted whole (one zone per home), for the check that no roamer is a resident: shared counts are rounded per zone.
      whole = footprints ? buildPopulation(input, { config: resolvePopulationConfig(), k: 2, from: cfg.start, to: (cfg.start ?? 0) + POPULATION_DAYS * 86_400_000 }) : result;
      // Per day (`--by day`), against truth/days.csv when the run wrote it (runs before session 21 did not); k = 1: every zone-day, none withheld.
      if (existsSync(join(truthDir, 'days.csv'))) {
        days = buildPopulation(input, { config: resolvePopulationConfig(), k: 1, from: cfg.start, to: (cfg.start ?? 0) + POPULATION_DAYS * 86_400_000, by: 'day', ...(footprints ? { footprints } : {}) }).days!;
      }
    } finally {
      db.close();
    }
    const zoneOfCell = await zoneMapper(dbPath);
    const hw = new Map(result.homeWork.map((h) => [h.device, h]));

    let residents = 0, withHome = 0, homeRight = 0, workers = 0, withWork = 0, workRight = 0, roamersAsResidents = 0;
    const trueRes = new Map<string, number>(), trueWork = new Map<string, number>();
    for (const h of homes) {
      const dev = ACCURACY_PSEUDONYMISER.pseudonym(h.imsi!);
      const d = hw.get(dev);
      if (h.kind !== 'resident') continue;
      residents++;
      bump(trueRes, h.home_zone!);
      const hz = d ? homeZone(d, { zoneOf: zoneOfCell }) : null;
      if (hz !== null) {
        withHome++;
        if (hz === h.home_zone) homeRight++;
      }
      if (h.work_zone !== '' && h.work_zone !== h.home_zone) bump(trueWork, h.work_zone!);
      if (h.work_zone !== '') {
        workers++;
        const wz = d ? workZone(d, { zoneOf: zoneOfCell }) : null;
        if (wz !== null) {
          withWork++;
          if (wz === h.work_zone) workRight++;
        }
      }
    }
    const estRes = new Map(result.zones.map((z) => [z.zone, z.residents]));
    const estWork = new Map(result.zones.map((z) => [z.zone, z.workers]));
    const roamerDevices = new Set(homes.filter((h) => h.kind === 'roamer').map((h) => ACCURACY_PSEUDONYMISER.pseudonym(h.imsi!)));
    // Roamers are never residents: the residents counted equal the domestic devices with a home in a zone.
    let domesticHomes = 0;
    for (const h of result.homeWork) if (!roamerDevices.has(h.device) && homeZone(h, { zoneOf: zoneOfCell }) !== null) domesticHomes++;
    roamersAsResidents = whole!.zones.reduce((a, z) => a + z.residents, 0) - domesticHomes;
    const trueVisitors = new Map<string, number>(), estVisitors = new Map<string, number>();
    const trueByOrigin = new Map<string, number>(), estByOrigin = new Map<string, number>();
    /** Visitors per origin (a home zone, a country, unknown) summed over the zones they visit. */
    const trueByZoneOrigin = new Map<string, number>(), estByZoneOrigin = new Map<string, number>();
    for (const r of parseCsv(readFileSync(join(truthDir, 'visitors.csv'), 'utf8'))) {
      bump(trueVisitors, `${r.zone}|${r.origin}`, Number(r.visitors));
      bump(trueByOrigin, originClass(r.origin!), Number(r.visitors));
      bump(trueByZoneOrigin, r.origin!, Number(r.visitors));
    }
    for (const o of result.origins) {
      bump(estVisitors, `${o.zone}|${o.origin}`, o.visitors);
      bump(estByOrigin, originClass(o.origin), o.visitors);
      bump(estByZoneOrigin, o.origin, o.visitors);
    }
    const roamerCountries = [...trueByOrigin.keys()].filter((k) => /^[A-Z]{2}$/.test(k));
    const figures: AccuracyReport['figures'] = [
      { name: 'simulated days / residents / visitors', value: POPULATION_DAYS },
      { name: 'residents with a detected home (enough evidence)', value: withHome / residents },
      { name: 'home zone right (of residents with enough evidence)', value: withHome ? homeRight / withHome : NaN, target: '≥ 0.95' },
      { name: 'workers/students with a detected work place', value: workers ? withWork / workers : NaN },
      { name: 'work zone right (of those detected)', value: withWork ? workRight / withWork : NaN },
      ...zoneErrors('residents per zone', estRes, trueRes, 0.05),
      ...zoneErrors('workers per zone', estWork, trueWork, 0.10),
      { name: 'visitors: CPC over (zone, origin)', value: cpc(estVisitors, trueVisitors) },
      ...zoneErrors('visitors by origin zone (domestic, over the zones visited)', new Map([...estByZoneOrigin].filter(([o]) => originClass(o) !== o)),
        new Map([...trueByZoneOrigin].filter(([o]) => originClass(o) !== o)), 0.15),
      ...[...trueByOrigin.keys()].filter((k) => !roamerCountries.includes(k)).sort().map((k) => ({
        name: `visitors from ${k} (all zones): relative error`, value: relErr(estByOrigin.get(k) ?? 0, trueByOrigin.get(k)!), target: '≤ 0.15',
      })),
      { name: 'visitor-zones of unknown origin: estimated / true', value: (estByOrigin.get('unknown') ?? 0) / (trueByOrigin.get('unknown') ?? NaN) },
      ...roamerCountries.sort().map((k) => ({
        name: `roamer visitors from ${k} (all zones): relative error`, value: relErr(estByOrigin.get(k) ?? 0, trueByOrigin.get(k)!), target: '≤ 0.15',
      })),
      { name: 'roamers counted as residents', value: roamersAsResidents, target: '0' },
      ...(days ? dayErrors(days, parseCsv(readFileSync(join(truthDir, 'days.csv'), 'utf8'))) : [{ name: 'per day: not measured (truth/days.csv missing: a run kept from before session 21)', value: NaN }]),
    ];
    figures[0]!.name = `simulated days (${cfg.subscribers} residents, ${cfg.visitors} visitors)`;
    return { figures };
  },
};

/** Residents, workers and visitors per (zone, day) of `--by day` against truth/days.csv, as the period's per-zone figures. */
function dayErrors(days: PopulationDay[], truth: Record<string, string>[]): AccuracyReport['figures'] {
  const est = { residents: new Map<string, number>(), workers: new Map<string, number>(), visitors: new Map<string, number>() };
  const tru = { residents: new Map<string, number>(), workers: new Map<string, number>(), visitors: new Map<string, number>() };
  for (const d of days) for (const r of d.released) for (const k of ['residents', 'workers', 'visitors'] as const) est[k].set(`${d.day} ${r.zone}`, r[k]);
  for (const r of truth) for (const k of ['residents', 'workers', 'visitors'] as const) tru[k].set(`${r.day} ${r.zone}`, Number(r[k]));
  return [
    { name: 'per day: days', value: days.length },
    ...zoneErrors('per day: residents per (zone, day)', est.residents, tru.residents, 0.05),
    ...zoneErrors('per day: workers per (zone, day)', est.workers, tru.workers, 0.10),
    ...zoneErrors('per day: visitors per (zone, day)', est.visitors, tru.visitors, 0.15),
  ];
}

/** Domestic origins grouped: a zone id → `domestic (zone of the system)`; countries and `unknown` as they are. */
function originClass(o: string): string {
  return /^[A-Z]{2}$/.test(o) || o === 'unknown' ? o : 'domestic residents of other zones';
}

function relErr(est: number, truth: number): number {
  return truth === 0 ? (est === 0 ? 0 : Infinity) : Math.abs(est - truth) / truth;
}

function zoneErrors(label: string, est: Map<string, number>, truth: Map<string, number>, tol: number): AccuracyReport['figures'] {
  const zs = [...truth].filter(([, v]) => v >= MIN_ZONE).map(([z]) => z);
  const what = label.includes('(zone, day)') ? 'zone-days' : 'zones';
  const errs = zs.map((z) => relErr(est.get(z) ?? 0, truth.get(z)!)).sort((a, b) => a - b);
  const tot = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  return [
    { name: `${label}: ${what} with ≥ ${MIN_ZONE} true`, value: zs.length },
    { name: `${label}: share of those ${what} within ${tol * 100} %`, value: errs.filter((e) => e <= tol).length / Math.max(1, errs.length), target: '1' },
    { name: `${label}: median relative error`, value: errs[Math.floor(errs.length / 2)] ?? NaN },
    { name: `${label}: total relative error`, value: relErr(tot(est), tot(truth)), target: `≤ ${tol}` },
  ];
}

function parseCsv(text: string): Record<string, string>[] {
  const [head, ...lines] = text.trim().split('\n');
  const cols = head!.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i]!, v])));
}

async function zoneMapper(dbPath: string): Promise<(h3: string, lat: number, lng: number) => string | null> {
  const db = await openDatabase(dbPath, { readOnly: true });
  try {
    const input = await readPopulationInput(db.connection, { zones: ZS }, 0, 1);
    return input.zoneOf;
  } finally {
    db.close();
  }
}
