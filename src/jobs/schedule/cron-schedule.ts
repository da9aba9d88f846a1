import { parse } from 'node-cron';

/** A parsed five-field cron expression (minute hour day-of-month month day-of-week), as sets. */
export interface CronSchedule {
  /** The expression as written. */
  expression: string;
  minutes: readonly number[];
  hours: readonly number[];
  daysOfMonth: ReadonlySet<number>;
  months: ReadonlySet<number>;
  /** 0 = Sunday … 6 = Saturday (7 is folded into 0). */
  daysOfWeek: ReadonlySet<number>;
}

/**
 * Parses a five-field cron expression with node-cron's parser (ranges, steps, lists, month and
 * weekday names). Day-of-month and day-of-week must both match, as in node-cron.
 *
 * Schedules have minute resolution because the live timer ticks once a minute; the Quartz-style
 * `L`, `W` and `#` forms are refused because the slot computation does not model them.
 * @example parseCron('1-59/15 * * * *') // minutes 1, 16, 31, 46 of every hour
 * @throws RangeError naming the expression when it cannot be used.
 */
export function parseCron(expression: string): CronSchedule {
  const text = expression.trim();
  if (text.split(/\s+/).length !== 5) {
    throw new RangeError(`schedule "${expression}": use five cron fields (minute hour day-of-month month day-of-week)`);
  }
  let fields;
  try {
    fields = parse(text);
  } catch (cause) {
    throw new RangeError(`schedule "${expression}": ${(cause as Error).message}`, { cause });
  }
  const numbers = (name: string, values: readonly (number | string)[]): number[] => {
    if (values.some((v) => typeof v !== 'number')) {
      throw new RangeError(`schedule "${expression}": the ${name} field may not use L, W or # here`);
    }
    return [...new Set(values as number[])].sort((a, b) => a - b);
  };
  return {
    expression: text,
    minutes: numbers('minute', fields.minute),
    hours: numbers('hour', fields.hour),
    daysOfMonth: new Set(numbers('day-of-month', fields.dayOfMonth)),
    months: new Set(numbers('month', fields.month)),
    daysOfWeek: new Set(numbers('day-of-week', fields.dayOfWeek).map((d) => d % 7)),
  };
}
