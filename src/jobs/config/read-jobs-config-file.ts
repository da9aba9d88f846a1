import { readFileSync } from 'node:fs';
import type { JobsConfig } from './jobs-config.ts';

/**
 * Reads a {@link JobsConfig} JSON file (keys named `$comment` are ignored everywhere).
 * @throws Error naming the file when it cannot be read or is not a JSON object.
 */
export function readJobsConfigFile(path: string): JobsConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new Error(`cannot read jobs config ${path}: ${(cause as Error).message}`, { cause });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new Error(`jobs config ${path} is not valid JSON: ${(cause as Error).message}`, { cause });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`jobs config ${path}: expected a JSON object`);
  return stripComments(parsed) as JobsConfig;
}

function stripComments(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripComments);
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(Object.entries(v).filter(([k]) => k !== '$comment').map(([k, x]) => [k, stripComments(x)]));
}
