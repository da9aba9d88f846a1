/**
 * One element of a release: a set of base keys whose people are released together, as one number.
 * Elements of a release are disjoint and each holds at least k people; every released figure is a
 * sum of whole elements (see `buildRelease`).
 */
export interface ReleaseElement<K> {
  /** Index in `Release.elements`, stable for the same input. */
  id: number;
  /** The smallest unit of the hierarchy containing every key of the element. */
  anchor: K;
  /** The level of `anchor` (H3: its resolution). */
  anchorLevel: number;
  /** The base keys of the element, sorted. */
  keys: K[];
  /** People in the element (≥ k). */
  count: number;
}

/** A release of one window (or day): its elements and what was withheld. */
export interface Release<K> {
  /** The threshold the release was built with. */
  k: number;
  elements: ReleaseElement<K>[];
  /** People in the input. */
  total: number;
  /** People in no element (never released at any level or in any zone). */
  withheld: number;
  /** Elements that secondary suppression merged into a remainder (for the cost report). */
  secondaryMerges: number;
}
