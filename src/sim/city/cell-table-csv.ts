import type { CellVersion } from '../../../schemas/events.ts';

/**
 * Formats cell versions as the cell-table CSV of schemas/cell-table.md. Open validity bounds are
 * blank; closed ones are RFC 3339 strings.
 */
export function cellTableCsv(cells: readonly CellVersion[]): string {
  const rows = ['cell_id,lat,lon,site_id,azimuth_deg,range_m,valid_from,valid_to'];
  for (const c of cells) {
    rows.push([c.cellId, c.lat, c.lon, c.siteId ?? '', c.azimuthDeg ?? '', c.rangeM ?? '', iso(c.validFrom), iso(c.validTo)].join(','));
  }
  return rows.join('\n') + '\n';
}

function iso(t: number): string {
  return Number.isFinite(t) ? new Date(t).toISOString().replace('.000Z', 'Z') : '';
}
