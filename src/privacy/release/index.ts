/**
 * Differencing-safe releases: one release per window built from exact base counts, from which every
 * released figure (H3 cells at any resolution, zones, time series, named queries, OD, population) is a
 * sum of whole elements of ≥ k people. See docs/privacy.md.
 */
export { buildRelease, SECONDARY_STRATEGIES, type ReleaseConfig, type SecondaryStrategy } from './build-release.ts';
export type { Release, ReleaseElement } from './release-element.ts';
export { h3Hierarchy, type ReleaseHierarchy } from './release-hierarchy.ts';
export { elementsAtK, releasedTotals, unitOfElement, type ReleasedOptions } from './released-totals.ts';
export { releasedBreakdowns, type UnitBreakdown } from './released-breakdowns.ts';
export { buildDpRelease, twoSidedGeometric } from './build-dp-release.ts';
