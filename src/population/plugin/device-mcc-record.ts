/**
 * A device's MCC (table `device_mcc`), emitted when a pipeline first sees the device and again on
 * each later UTC day it sees it, so `last_seen` dates the row for retention.
 */
export interface DeviceMccRecord {
  device: string;
  mcc: string;
  /** End of the window the device was seen in, epoch ms. */
  seen: number;
}
