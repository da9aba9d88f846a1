/** Parquet compression codecs DuckDB writes. */
export const LAKE_COMPRESSIONS = ['zstd', 'snappy', 'gzip', 'uncompressed'] as const;
export type LakeCompression = (typeof LAKE_COMPRESSIONS)[number];

/** Configuration of the Parquet lake ({@link createLakeWriter}, {@link compactLake}). */
export interface LakeConfig {
  /** Root folder of the lake; presence goes to `<dir>/presence/date=YYYY-MM-DD/hour=HH/`. Created when missing. */
  dir: string;
  /** Parquet compression. Default `zstd`. */
  compression?: LakeCompression;
  /** Rows per file: a window with more rows is split into parts `-0`, `-1`, …. Default 1,000,000. */
  maxRowsPerFile?: number;
}
