/**
 * Call/sms/data bursts per hour of an average subscriber, by hour of the local day: quiet nights,
 * a lunchtime bump and an evening peak (~17 bursts a day in all).
 */
export const BURSTS_PER_HOUR: readonly number[] = [
  0.06, 0.04, 0.03, 0.03, 0.04, 0.07, 0.28, 0.63, 0.84, 0.91, 0.91, 0.98,
  1.12, 1.05, 0.91, 0.91, 0.98, 1.12, 1.26, 1.26, 1.12, 0.91, 0.63, 0.28,
];
