import { UsageError } from '../command.ts';

/**
 * `HOST:PORT` of a listening flag (`--http`, `--metrics`): an IPv4 address or name, or `[IPv6]`, and
 * a port 0–65535 (0: any free one).
 * @throws UsageError naming the flag.
 */
export function parseHostPort(text: string, flag: string): { host: string; port: number } {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:\s[\]]+):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) throw new UsageError(`${flag} must be HOST:PORT (e.g. 127.0.0.1:9464, 0.0.0.0:9464, port 0 for any free one), got ${text}`);
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
}
