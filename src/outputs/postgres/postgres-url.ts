import { CitypulseError } from '../../core/citypulse-error.ts';

/**
 * Checks a `--postgres` URL (`postgres://user[:password]@host[:port]/database[?…]`) and returns it
 * with the password masked, for messages and logs.
 *
 * @example
 * checkPostgresUrl('postgres://cp:secret@db:5432/city'); // 'postgres://cp:***@db:5432/city'
 */
export function checkPostgresUrl(url: string, flag = '--postgres'): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new CitypulseError(`${flag} must be a URL like postgres://user@host:5432/database, got "${maskPassword(url)}"`, { kind: 'usage', flag });
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
    throw new CitypulseError(`${flag} must start with postgres:// or postgresql://, got ${u.protocol}//…`, { kind: 'usage', flag });
  }
  if (!u.hostname && !u.searchParams.get('host')) throw new CitypulseError(`${flag} names no host: ${maskPassword(url)}`, { kind: 'usage', flag });
  if (u.pathname.replace(/^\//, '') === '') throw new CitypulseError(`${flag} names no database (postgres://host:5432/DATABASE): ${maskPassword(url)}`, { kind: 'usage', flag });
  return maskPassword(url);
}

/** `url` with any password replaced by `***`. */
export function maskPassword(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]*):[^@]*@/i, '$1:***@').replace(/([?&]password=)[^&]*/i, '$1***');
}
