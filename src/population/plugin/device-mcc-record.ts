/** A device's MCC, emitted once per device per pipeline run (table `device_mcc`). */
export interface DeviceMccRecord {
  device: string;
  mcc: string;
}
