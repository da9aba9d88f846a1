import type { DeviceConsumerFactory, DeviceWindow, StreamingDeviceConsumer } from '../../window/device-window.ts';
import { hashString, PairSet } from '../engine/pair-set.ts';
import type { DeviceMccRecord } from './device-mcc-record.ts';

/** Name of the consumer: keys its outputs (and its empty state) in the pipeline. */
export const DEVICE_MCC_CONSUMER = 'device-mcc';

const DAY = 86_400_000;

/**
 * Records each device's MCC (a non-identifying attribute carried on {@link DeviceWindow.mcc}) for the
 * population products (inbound roamers by country): once when first seen, then once per later UTC day
 * the device is seen, with the window end as `seen`, so the store keeps `last_seen` and retention can
 * purge devices not seen for its age. The days already recorded are not checkpointed: after a restart
 * a device is recorded again and the store keeps the latest `last_seen` (its writer keeps one row per
 * device), so the table is the same either way. The devices recorded today are a set of 64-bit
 * hashes ({@link PairSet}, 16 bytes a device, emptied when the day changes) rather than a map of
 * device ids that kept every device ever seen.
 */
export function createDeviceMccConsumer(): DeviceConsumerFactory<DeviceMccRecord> {
  return () => new DeviceMccConsumer();
}

class DeviceMccConsumer implements StreamingDeviceConsumer<DeviceMccRecord> {
  readonly name = DEVICE_MCC_CONSUMER;
  /** Devices recorded on {@link #seenDay} (hashes of their ids). */
  readonly #seen = new PairSet();
  #seenDay = Number.NaN;
  readonly #h: [number, number] = [0, 0];
  /** The window being closed: its end, its UTC day and its rows. */
  #windowEnd = 0;
  #day = 0;
  #out: DeviceMccRecord[] = [];

  openWindow(_s: number, windowEnd: number): void {
    this.#out = [];
    this.#windowEnd = windowEnd;
    this.#day = Math.floor((windowEnd - 1) / DAY);
  }

  onDevice(d: DeviceWindow): void {
    if (d.mcc === undefined) return;
    if (this.#day !== this.#seenDay) {
      this.#seen.clear();
      this.#seenDay = this.#day;
    }
    const [hi, lo] = hashString(d.device, this.#h);
    if (!this.#seen.add(hi, lo)) return;
    this.#out.push({ device: d.device, mcc: d.mcc, seen: this.#windowEnd });
  }

  closeWindow(): readonly DeviceMccRecord[] {
    const out = this.#out;
    this.#out = [];
    return out;
  }

  snapshot(): null {
    return null;
  }

  restore(): void {}
}
