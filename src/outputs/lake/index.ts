/** The Parquet lake: a window plugin writing presence as hive-partitioned Parquet, and its compaction. */
export { compactLake, type CompactLakeOptions, type CompactLakeResult } from './compact-lake.ts';
export { createLakeWriter } from './create-lake-writer.ts';
export { LAKE_COMPRESSIONS, type LakeCompression, type LakeConfig } from './lake-config.ts';
export { LakeError } from './lake-error.ts';
export { COMPACTED_FILE, lakeLayout } from './lake-layout.ts';
