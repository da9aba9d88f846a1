/** The benchmark sizes. */
export const SIZES = ['small', 'medium', 'large'] as const;
/** One of {@link SIZES}. */
export type Size = (typeof SIZES)[number];

/**
 * What each benchmark runs at each size. Inputs come from the deterministic simulator (seed 1), so
 * the same size always measures the same records.
 */
export interface SizePreset {
  /** Subscribers of the simulated day for file ingest. */
  fileIngest: number;
  /** Subscribers of the simulated day published to Kafka (e2e JSON and batched). */
  kafka: number;
  /** Records per message of the batched encodings. */
  recordsPerMessage: number;
  /** Subscribers of the simulated day in the alert-latency run. */
  alerts: number;
  /** Subscribers at 1× for memory scaling (runs 1×, 2×, 4×), over {@link scalingHours}. */
  scalingBase: number;
  /** Simulated hours of the memory-scaling inputs (the first hours of the day). */
  scalingHours: number;
  /** Subscribers of the simulated day recomputed in DuckDB and PostgreSQL. */
  batch: number;
}

/**
 * `small` finishes in a few minutes on 2 cores; `large` reaches ≥ 1 million active devices in
 * memory scaling (4 × 275,000 subscribers over 3 simulated hours).
 */
export const SIZE_PRESETS: Record<Size, SizePreset> = {
  small: { fileIngest: 5_000, kafka: 5_000, recordsPerMessage: 5_000, alerts: 5_000, scalingBase: 10_000, scalingHours: 3, batch: 5_000 },
  medium: { fileIngest: 20_000, kafka: 20_000, recordsPerMessage: 5_000, alerts: 20_000, scalingBase: 62_500, scalingHours: 3, batch: 20_000 },
  large: { fileIngest: 100_000, kafka: 50_000, recordsPerMessage: 5_000, alerts: 50_000, scalingBase: 275_000, scalingHours: 3, batch: 100_000 },
};
