/**
 * The Kafka key of an NDJSON line: the `imsi` of its first record, so one device always lands in one
 * partition. Null when the line does not parse (it still travels, to be dead-lettered downstream).
 */
export function subscriberKey(line: string): string | null {
  try {
    const v: unknown = JSON.parse(line);
    const first = Array.isArray(v) ? v[0] : v;
    const imsi = typeof first === 'object' && first !== null ? (first as { imsi?: unknown }).imsi : undefined;
    return typeof imsi === 'string' && imsi.length > 0 ? imsi : null;
  } catch {
    return null;
  }
}
