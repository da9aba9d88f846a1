import { readFile } from 'node:fs/promises';
import { CitypulseError } from '../../core/citypulse-error.ts';
import type { Corridor } from '../engine/corridor.ts';
import { parseCorridors } from '../engine/parse-corridors.ts';

/** Reads a `--corridors FILE` (docs/traffic.md); a bad file is a usage error naming the flag and the file. */
export async function readCorridorsFile(path: string, flag = '--corridors'): Promise<Corridor[]> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (cause) {
    throw new CitypulseError(`${flag} ${path}: cannot read it as JSON`, { kind: 'usage', cause });
  }
  try {
    return parseCorridors(json);
  } catch (err) {
    throw new CitypulseError(`${flag} ${path}: ${(err as Error).message}`, { kind: 'usage' });
  }
}
