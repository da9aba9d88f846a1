import type { WatchedArea } from '../../alerts/engine/watched-area.ts';
import type { DeviceConsumerFactory, DeviceWindow, StreamingDeviceConsumer } from '../../window/device-window.ts';
import { visitorOrigin, type OriginBook } from '../engine/origin-book.ts';
import type { AreaVisitorsRecord } from './area-visitors-record.ts';

/** Name of the consumer: keys its outputs (and its empty state) in the pipeline. */
export const AREA_VISITORS_CONSUMER = 'area-visitors';

/**
 * Live visitors of the watched areas by origin: per closed window, the devices counted `present` in
 * an area (their dominant cell is one of its cells, as crowd alerts count them), by origin
 * ({@link visitorOrigin}: roamer country, home zone from `book`, or `unknown`). Stateless across
 * windows; `book` is shared with the plugin, which fills it before the first window.
 */
export function createAreaVisitorsConsumer(areas: readonly WatchedArea[], book: OriginBook): DeviceConsumerFactory<AreaVisitorsRecord> {
  const byCell = new Map<string, string[]>();
  for (const a of areas) for (const c of a.cells) byCell.set(c, [...(byCell.get(c) ?? []), a.id]);
  return () => {
    let n = new Map<string, number>();
    let windowStart = 0;
    let windowEnd = 0;
    return {
      name: AREA_VISITORS_CONSUMER,
      openWindow(s: number, e: number): void {
        n = new Map();
        windowStart = s;
        windowEnd = e;
      },
      onDevice(d: DeviceWindow): void {
        const ids = d.dominant === null ? undefined : byCell.get(d.dominant);
        if (!ids) return;
        const origin = visitorOrigin(book, d.device, d.mcc);
        for (const id of ids) n.set(`${id}\u0000${origin}`, (n.get(`${id}\u0000${origin}`) ?? 0) + 1);
      },
      closeWindow(): readonly AreaVisitorsRecord[] {
        const counts = n;
        n = new Map();
        return [...counts].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([key, visitors]) => {
          const [areaId, origin] = key.split('\u0000') as [string, string];
          return { windowStart, windowEnd, areaId, origin, visitors };
        });
      },
      snapshot: () => null,
      restore: () => {},
    } satisfies StreamingDeviceConsumer<AreaVisitorsRecord>;
  };
}
