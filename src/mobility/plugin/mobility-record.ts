import type { OdHourRow } from '../engine/od-hour-row.ts';
import type { Stay } from '../engine/stay.ts';
import type { Trip } from '../engine/trip.ts';

/** An output of the mobility consumer, tagged with the table it goes to. */
export type MobilityRecord =
  | { table: 'stays'; row: Stay }
  | { table: 'trips'; row: Trip }
  | { table: 'od_h3_hourly'; row: OdHourRow };
