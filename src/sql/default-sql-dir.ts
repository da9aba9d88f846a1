import { fileURLToPath } from 'node:url';

/**
 * The repository's `sql/` folder, resolved from this module's location (not the working directory),
 * so the CLI, jobs and notebooks find the same files wherever they run from.
 */
export const DEFAULT_SQL_DIR: string = fileURLToPath(new URL('../../sql/', import.meta.url));
