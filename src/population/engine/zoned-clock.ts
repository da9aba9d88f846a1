const QUARTER = 900_000;
const DAY = 86_400_000;

/** Local calendar facts of an instant in a time zone. */
export interface LocalTime {
  /** Local day number: days since 1970-01-01 in local time. */
  day: number;
  /** Local hour 0–23. */
  hour: number;
  /** Local weekday, 0 = Sunday … 6 = Saturday. */
  weekday: number;
}

/**
 * Reads instants in an IANA time zone. UTC offsets of every real zone are whole quarters of an hour,
 * so the offset is looked up once per UTC quarter and cached (DST changes included).
 */
export class ZonedClock {
  readonly #fmt: Intl.DateTimeFormat;
  readonly #utc: boolean;
  readonly #cache = new Map<number, number>();

  /** @param timeZone IANA name (`Europe/Rome`, `Asia/Shanghai`, `UTC`). */
  constructor(timeZone: string) {
    this.#utc = timeZone === 'UTC';
    this.#fmt = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
  }

  /** Offset of local time from UTC at `ts`, ms. */
  offset(ts: number): number {
    if (this.#utc) return 0;
    const q = Math.floor(ts / QUARTER);
    let o = this.#cache.get(q);
    if (o === undefined) {
      const t = q * QUARTER;
      const p: Record<string, number> = {};
      for (const part of this.#fmt.formatToParts(t)) if (part.type !== 'literal') p[part.type] = Number(part.value);
      o = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) - t;
      this.#cache.set(q, o);
    }
    return o;
  }

  /** The local day, hour and weekday of `ts`. */
  local(ts: number): LocalTime {
    const l = ts + this.offset(ts);
    const day = Math.floor(l / DAY);
    return { day, hour: Math.floor((l - day * DAY) / 3_600_000), weekday: (((day + 4) % 7) + 7) % 7 };
  }
}

/** Splits `[start, end)` at UTC quarter-hour boundaries (local hours are constant within each piece). */
export function* quarterPieces(start: number, end: number): Generator<[number, number]> {
  let a = start;
  while (a < end) {
    const b = Math.min(end, (Math.floor(a / QUARTER) + 1) * QUARTER);
    yield [a, b];
    a = b;
  }
}
