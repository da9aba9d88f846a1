import { readFile } from 'node:fs/promises';
import { AreaError } from './area-error.ts';
import { parseAreas } from './parse-areas.ts';
import type { WatchedArea } from '../engine/watched-area.ts';

/**
 * Reads and checks a watched-areas GeoJSON file (see {@link parseAreas}); errors name the file and,
 * for feature problems, the feature index and id.
 */
export async function readAreasFile(path: string, resolution = 9): Promise<WatchedArea[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new AreaError(`cannot read: ${(err as Error).message}`, { source: path, cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new AreaError(`not valid JSON: ${(err as Error).message}`, { source: path, cause: err });
  }
  return parseAreas(json, { resolution, source: path });
}
