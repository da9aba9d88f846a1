/** A place (H3 cell, res 8) where a device had located events in the period (table `device_cells`). */
export interface DeviceCell {
  device: string;
  h3: string;
  /** Centre of the cell. */
  lat: number;
  lng: number;
}
