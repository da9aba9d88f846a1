/** Home and work of one device over a period (operator-side, pseudonymous; computed from `stays`, not stored). */
export interface HomeWork {
  device: string;
  /** H3 cell of the home place, or null when no place reached the minimum evidence. */
  home: string | null;
  /** Duration-weighted centre `[lat, lng]` of the stays at the home place (null without a home). */
  homeAt: [number, number] | null;
  /** Every stay at the home place was seen through cell events only (its centre stands for a footprint). */
  homeCellOnly?: boolean;
  /** Distinct nights at the home place (0 without a home). */
  homeNights: number;
  /** H3 cell of the work place (weekday daytime, away from home), or null. */
  work: string | null;
  /** Duration-weighted centre `[lat, lng]` of the stays at the work place (null without one). */
  workAt: [number, number] | null;
  /** Every stay at the work place was seen through cell events only. */
  workCellOnly?: boolean;
  /** Distinct weekdays at the work place (0 without a work place). */
  workDays: number;
  /** Distinct nights with any qualifying stay (evidence of presence at night). */
  nightsSeen: number;
}
