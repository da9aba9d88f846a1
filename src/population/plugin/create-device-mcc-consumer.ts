import type { DeviceConsumer, DeviceConsumerFactory, DeviceWindow } from '../../window/device-window.ts';
import type { DeviceMccRecord } from './device-mcc-record.ts';

/** Name of the consumer: keys its outputs (and its empty state) in the pipeline. */
export const DEVICE_MCC_CONSUMER = 'device-mcc';

/**
 * Records each device's MCC (a non-identifying attribute carried on {@link DeviceWindow.mcc}) once,
 * for the population products (inbound roamers by country). The set of devices already recorded is
 * not checkpointed: after a restart a device is recorded again and the store ignores the duplicate
 * (`device_mcc` has `device` as primary key), so the table is the same either way.
 */
export function createDeviceMccConsumer(): DeviceConsumerFactory<DeviceMccRecord> {
  return () => new DeviceMccConsumer();
}

class DeviceMccConsumer implements DeviceConsumer<DeviceMccRecord> {
  readonly name = DEVICE_MCC_CONSUMER;
  readonly #seen = new Set<string>();

  onWindow(_s: number, _e: number, devices: readonly DeviceWindow[]): readonly DeviceMccRecord[] {
    const out: DeviceMccRecord[] = [];
    for (const d of devices) {
      if (d.mcc === undefined || this.#seen.has(d.device)) continue;
      this.#seen.add(d.device);
      out.push({ device: d.device, mcc: d.mcc });
    }
    return out;
  }

  snapshot(): null {
    return null;
  }

  restore(): void {}
}
