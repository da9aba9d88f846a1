import type { CellVersion } from '../../../schemas/events.ts';
import { resolveSimConfig } from '../resolve-sim-config.ts';
import type { SimConfig } from '../sim-config.ts';
import type { City } from './city.ts';
import { generateZones } from './generate-zones.ts';
import { loadZones } from './load-zones.ts';
import { planCellSites } from './plan-cell-sites.ts';
import { SiteIndex } from './site-index.ts';

/**
 * Builds the city of a simulation: the zones (from `config.zones`, or generated from the seed) and a
 * cell plan denser where people are, with a few cells re-planned mid-simulation.
 *
 * @example
 * const city = createCity({ seed: 3 });
 * city.cells.filter((c) => Number.isFinite(c.validTo)); // the re-planned cells' first versions
 */
export function createCity(config: SimConfig = {}): City {
  const c = resolveSimConfig(config);
  const { frame, zones } = loadZones(c.zones ?? generateZones(c.seed, c.center), c.seed);
  const end = c.start + c.days * 86_400_000;
  const { sites, replanTimes } = planCellSites(zones, frame, c.seed, c.start, end);
  const cells: CellVersion[] = sites.flatMap((s) =>
    s.cellIds.map((cellId, k) => ({
      cellId,
      lat: s.lat,
      lon: s.lon,
      siteId: s.id,
      azimuthDeg: s.azimuths[k]! % 360,
      rangeM: s.rangeM,
      validFrom: s.validFrom,
      validTo: s.validTo,
    })),
  );
  return { frame, zones, sites, cells, replanTimes, index: new SiteIndex(sites) };
}
