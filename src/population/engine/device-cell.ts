/** A place (H3 cell, res 8) where a device had located events in the period (table `device_cells`). */
export interface DeviceCell {
  device: string;
  h3: string;
  /** Centre of the cell. */
  lat: number;
  lng: number;
  /** End of the UTC day it was seen on, epoch ms: read only for counts per day (else absent). */
  dayEnd?: number;
}
