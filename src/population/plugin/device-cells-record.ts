/** One H3 cell (res 8) where a device had located events on one UTC day (table `device_cells`). */
export interface DeviceCellsRecord {
  /** End of the UTC day, epoch ms. */
  dayEnd: number;
  device: string;
  /** H3 cell, hex. */
  h3: string;
}
