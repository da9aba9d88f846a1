import type { AlertLevel } from '../../../schemas/alert.ts';
import type { ResolvedArea } from './resolve-engine-config.ts';
import type { SlotBaseline } from './slot-baseline.ts';

/** Everything the kind rules need about one area in one window. */
export interface AreaWindow {
  resolved: ResolvedArea;
  windowStart: number;
  windowEnd: number;
  devices: number;
  /** devices × scale, unrounded. */
  people: number;
  /** people / area km². */
  density: number;
  /** The trend's prediction at `at` (a window start) and its slope (people/ms), or null (too little history). */
  forecast: { people: number; at: number; slope: number } | null;
  /** Usual devices for this slot, or null before any previous week has a count. */
  baseline: SlotBaseline | null;
  /** Level of the area's open capacity incident after this window (capacity is evaluated first), or null. */
  capacityLevel: AlertLevel | null;
}
