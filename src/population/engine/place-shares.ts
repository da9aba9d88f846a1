import { getResolution, latLngToCell } from 'h3-js';
import { footprintShares, type Footprint, type FootprintOf } from '../../locate/footprint-model.ts';
import type { HomeWork } from './home-work.ts';

/**
 * The `shares` of {@link ClassifyInput} from a cell table's footprints: a home or work place seen
 * through cell events only is shared among the zones of its footprint (the part of the serving sector
 * its evidence points to, src/locate/footprint-model.ts); a place with any located event (GPS fix) is
 * a point and stays whole (null). `zoneOf` is the input's zone of a place (H3 cell at the place's
 * resolution, centre); `t` picks the cell-table versions (epoch ms).
 */
export function placeShares(
  footprintOf: FootprintOf,
  zoneOf: (h3: string, lat: number, lng: number) => string | null,
  t: number,
): (place: 'home' | 'work', h: HomeWork) => ReadonlyMap<string, number> | null {
  const memo = new Map<Footprint, Map<string, number> | null>();
  return (place, h) => {
    const [cellOnly, h3, at] = place === 'home' ? [h.homeCellOnly, h.home, h.homeAt] : [h.workCellOnly, h.work, h.workAt];
    if (cellOnly !== true || h3 === null || at === null) return null;
    const fp = footprintOf(at[0], at[1], t);
    if (!fp) return null;
    let m = memo.get(fp);
    if (m === undefined) {
      const res = getResolution(h3);
      memo.set(fp, (m = footprintShares(fp, (lat, lng) => zoneOf(latLngToCell(lat, lng, res), lat, lng))));
    }
    return m;
  };
}
