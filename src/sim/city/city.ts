import type { CellVersion } from '../../../schemas/events.ts';
import type { LocalFrame } from '../geo/local-frame.ts';
import type { CellSite } from './cell-site.ts';
import type { SiteIndex } from './site-index.ts';
import type { Zone } from './zone.ts';

/** The static world of a simulation: zones, the radio plan, and the frame they share. */
export interface City {
  /** Metric frame centred on the city centre. */
  frame: LocalFrame;
  zones: Zone[];
  /** Every site version (a re-planned site appears twice). */
  sites: CellSite[];
  /** The cell table, one row per cell version, as the pipeline loads it. */
  cells: CellVersion[];
  /** Epoch ms of each re-plan, ascending. */
  replanTimes: number[];
  /** Serving-cell lookups. */
  index: SiteIndex;
}
