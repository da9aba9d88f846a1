import { isStreamingConsumer, type DeviceConsumer, type DeviceWindow } from './device-window.ts';
import type { DeviceWindowSink } from './presence-engine.ts';

/**
 * The pipeline's {@link DeviceWindowSink}: hands each device of a closing window to every consumer
 * at once — device by device to {@link StreamingDeviceConsumer}s, gathered into the window's array
 * only when some consumer takes windows whole — and each consumer's outputs, when the window has
 * closed, to `emit` (consumers in registration order).
 */
export class ConsumerFanout implements DeviceWindowSink {
  readonly #streaming: boolean[];
  readonly #consumers: readonly DeviceConsumer[];
  readonly #emit: (name: string, out: readonly unknown[]) => void;
  readonly #gather: boolean;
  #devices: DeviceWindow[] = [];
  #start = 0;
  #end = 0;

  constructor(consumers: readonly DeviceConsumer[], emit: (name: string, out: readonly unknown[]) => void) {
    this.#consumers = consumers;
    this.#streaming = consumers.map((c) => isStreamingConsumer(c));
    this.#gather = this.#streaming.includes(false);
    this.#emit = emit;
  }

  open(windowStart: number, windowEnd: number): void {
    this.#start = windowStart;
    this.#end = windowEnd;
    this.#devices = [];
    for (const c of this.#consumers) if (isStreamingConsumer(c)) c.openWindow(windowStart, windowEnd);
  }

  device(d: DeviceWindow): void {
    const cs = this.#consumers;
    for (let i = 0; i < cs.length; i++) if (this.#streaming[i]) (cs[i] as { onDevice(d: DeviceWindow): void }).onDevice(d);
    if (this.#gather) this.#devices.push(d);
  }

  close(): void {
    const devices = this.#devices;
    this.#devices = [];
    for (const c of this.#consumers) {
      const out = isStreamingConsumer(c) ? c.closeWindow() : c.onWindow(this.#start, this.#end, devices);
      if (out.length > 0) this.#emit(c.name, out);
    }
  }
}
