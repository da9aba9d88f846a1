import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { queryOdHourly } from '../../src/mobility/duckdb/query-od-hourly.ts';
import { mobilityPlugin } from '../../src/mobility/plugin/mobility-plugin.ts';
import { openDatabase } from '../../src/outputs/duckdb/open.ts';
import { readZoneLocator } from '../../src/outputs/duckdb/read-zone-locator.ts';
import type { SimConfig } from '../../src/sim/sim-config.ts';
import type { AccuracyContext, AccuracyProduct, AccuracyReport } from './accuracy-product.ts';
import { bump, cpc, pearson } from './metrics.ts';
import { ACCURACY_PSEUDONYMISER, ingestCity, loadCityZones, simulateCity } from './simulated-city.ts';

const H = 3_600_000;
const ZS = 'accuracy';

/**
 * OD accuracy of the trajectory layer against the simulator's true trips, per zone system:
 * CPC and Pearson r over zone pairs (whole day), CPC over (pair, departure hour), the share of matched
 * trips whose departure hour is right, phantom inter-zone trips when nobody moves (phones still
 * ping-pong), and the throughput cost of the layer on file ingest (events/s with and without it).
 */
export const odAccuracy: AccuracyProduct = {
  name: 'od',
  summary: 'stays → trips → OD against truth trips: CPC, Pearson r, departure hour, phantom trips, throughput cost',
  async run(ctx: AccuracyContext, sim: SimConfig): Promise<AccuracyReport> {
    const dir = join(ctx.workDir, 'od');
    const city = await simulateCity(join(dir, 'city'), sim);
    const withDb = join(dir, 'with.duckdb'), withoutDb = join(dir, 'without.duckdb'), stillDb = join(dir, 'still.duckdb');
    for (const f of [withDb, withoutDb, stillDb]) rmSync(f, { force: true });
    const withRun = await ingestCity(city, withDb, [mobilityPlugin(ctx.mobility) as never]);
    const withoutRun = await ingestCity(city, withoutDb, []);
    await loadCityZones(city, withDb, ZS);

    // Truth, over trips with both ends in a zone: the OD semantics (stays ≥ 15 min, > 1 km apart),
    // and every true move for comparison.
    const movePairs = new Map<string, number>();
    for (const t of city.trips) if (t.fromZone !== '' && t.toZone !== '') bump(movePairs, `${t.fromZone}→${t.toZone}`);
    const truthPairs = new Map<string, number>(), truthPairHour = new Map<string, number>();
    const truthByDevice = new Map<string, { o: string; d: string; dep: number; matched: boolean }[]>();
    for (const t of city.odTrips) {
      if (t.fromZone === '' || t.toZone === '') continue;
      const pair = `${t.fromZone}→${t.toZone}`;
      bump(truthPairs, pair);
      bump(truthPairHour, `${pair}@${Math.floor(t.departTs / H)}`);
      const dev = ACCURACY_PSEUDONYMISER.pseudonym(t.imsi);
      let l = truthByDevice.get(dev);
      if (!l) truthByDevice.set(dev, (l = []));
      l.push({ o: t.fromZone, d: t.toZone, dep: t.departTs, matched: false });
    }

    const db = await openDatabase(withDb);
    let estPairs = new Map<string, number>(), estPairHour = new Map<string, number>();
    const cellPairs = new Map<string, number>(), cellPairHour = new Map<string, number>();
    let matched = 0, hourRight = 0, detected = 0;
    try {
      const od = await queryOdHourly(db.connection, { space: { zones: ZS }, variant: 'consecutive' });
      for (const c of od.cells) {
        bump(estPairs, `${c.origin}→${c.destination}`, c.trips);
        bump(estPairHour, `${c.origin}→${c.destination}@${c.hour / H}`, c.trips);
      }
      // The same with the res-9 zone_cells lookup of stay centres, for comparison.
      for (const c of (await queryOdHourly(db.connection, { space: { zones: ZS }, variant: 'consecutive', zoneLookup: 'cells' })).cells) {
        bump(cellPairs, `${c.origin}→${c.destination}`, c.trips);
        bump(cellPairHour, `${c.origin}→${c.destination}@${c.hour / H}`, c.trips);
      }
      // Per-trip matching: same device and zone pair (zone = the polygon holding the stay centre, as
      // in queryOdHourly), nearest true departure within 3 h.
      const zoneOf = (await readZoneLocator(db.connection, ZS))!;
      const rows = (await db.connection.runAndReadAll(`
        SELECT device, origin_lat, origin_lng, destination_lat, destination_lng, epoch_ms(depart_ts) FROM trips ORDER BY 6`)).getRowsJS()
        .map(([dev, olat, olng, dlat, dlng, dep]) => [dev, zoneOf(Number(olat), Number(olng)), zoneOf(Number(dlat), Number(dlng)), dep] as const)
        .filter(([, o, d]) => o !== null && d !== null);
      for (const [dev, o, d, dep] of rows) {
        detected++;
        const cands = (truthByDevice.get(String(dev)) ?? []).filter((x) => !x.matched && x.o === o && x.d === d && Math.abs(x.dep - Number(dep)) <= 3 * H);
        if (cands.length === 0) continue;
        const best = cands.reduce((a, b) => (Math.abs(a.dep - Number(dep)) <= Math.abs(b.dep - Number(dep)) ? a : b));
        best.matched = true;
        matched++;
        if (Math.floor(best.dep / H) === Math.floor(Number(dep) / H)) hourRight++;
      }
    } finally {
      db.close();
    }
    const inter = (m: Map<string, number>) => new Map([...m].filter(([k]) => { const [o, d] = k.split('@')[0]!.split('→'); return o !== d; }));
    const truthTotal = [...truthPairs.values()].reduce((a, b) => a + b, 0);
    const estTotal = [...estPairs.values()].reduce((a, b) => a + b, 0);

    // Phantom trips: nobody moves, phones still ping-pong.
    const still = await simulateCity(join(dir, 'still'), { ...sim, stayHome: true });
    await ingestCity(still, stillDb, [mobilityPlugin(ctx.mobility) as never]);
    await loadCityZones(still, stillDb, ZS);
    const sdb = await openDatabase(stillDb);
    let phantomInter = 0, phantomAll = 0, oscillations = 0;
    try {
      const od = await queryOdHourly(sdb.connection, { space: { zones: ZS }, variant: 'consecutive' });
      for (const c of od.cells) {
        phantomAll += c.trips;
        if (c.origin !== c.destination) phantomInter += c.trips;
      }
      oscillations = Number((await sdb.connection.runAndReadAll('SELECT coalesce(sum(oscillations), 0) FROM stays')).getRowsJS()[0]![0]);
    } finally {
      sdb.close();
    }
    const stillTrue = still.trips.length;

    return {
      figures: [
        { name: 'true moves (both ends in a zone)', value: [...movePairs.values()].reduce((a, b) => a + b, 0) },
        { name: 'true trips, OD semantics (both ends in a zone)', value: truthTotal },
        { name: 'detected trips (both ends in a zone)', value: estTotal },
        { name: 'CPC over zone pairs', value: cpc(estPairs, truthPairs), target: '≥ 0.9' },
        { name: 'Pearson r over zone pairs', value: pearson(estPairs, truthPairs) },
        { name: 'CPC over zone pairs, truth = every move', value: cpc(estPairs, movePairs) },
        { name: 'CPC over (zone pair, departure hour)', value: cpc(estPairHour, truthPairHour), target: '≥ 0.8' },
        { name: 'CPC over zone pairs, res-9 zone_cells lookup (before)', value: cpc(cellPairs, truthPairs) },
        { name: 'CPC over (zone pair, departure hour), res-9 zone_cells lookup (before)', value: cpc(cellPairHour, truthPairHour) },
        { name: 'CPC over inter-zone pairs only', value: cpc(inter(estPairs), inter(truthPairs)) },
        { name: 'matched trips / detected', value: detected ? matched / detected : NaN },
        { name: 'matched trips / true', value: truthTotal ? matched / truthTotal : NaN },
        { name: 'departure hour right (of matched)', value: matched ? hourRight / matched : NaN, target: '≥ 0.85' },
        { name: 'nobody moves: true trips', value: stillTrue },
        { name: 'nobody moves: phantom inter-zone trips', value: phantomInter, target: '0' },
        { name: 'nobody moves: phantom trips (any)', value: phantomAll },
        { name: 'nobody moves: ping-pong events absorbed', value: oscillations },
        { name: 'ingest events/s with trajectory layer', value: Math.round(withRun.recordsPerSecond) },
        { name: 'ingest events/s without', value: Math.round(withoutRun.recordsPerSecond) },
        { name: 'throughput cost of the layer', value: 1 - withRun.recordsPerSecond / withoutRun.recordsPerSecond, unit: 'share' },
      ],
    };
  },
};
