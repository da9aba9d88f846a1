import type { ResolvedSimConfig, SimConfig } from './sim-config.ts';

const DAY = 86_400_000;

/** Fills in the defaults of a {@link SimConfig} and checks every field, naming the bad one. */
export function resolveSimConfig(config: SimConfig = {}): ResolvedSimConfig {
  const c: ResolvedSimConfig = {
    seed: 1,
    subscribers: 20_000,
    days: 1,
    start: Date.UTC(2026, 2, 2),
    center: { lat: 45.46, lon: 9.19 },
    scenarios: [{ kind: 'stadium' }, { kind: 'gathering' }],
    fixRate: 0.2,
    badRate: 0,
    disorderMs: 30_000,
    windowMs: 900_000,
    tauMs: 54 * 60_000,
    stringTsRate: 0.05,
    arrayRate: 0.22,
    pingPongPerHour: 1.5,
    stayHome: false,
    visitors: 0,
    roamerShare: 0.4,
    nightsAwayRate: 0,
    roads: false,
    vehiclesPerCar: 0,
    ...stripUndefined(config),
  };
  if (c.incident) c.roads = true;
  const int = (k: keyof ResolvedSimConfig, min: number, max: number) => {
    const v = c[k] as number;
    if (!Number.isSafeInteger(v) || v < min || v > max) throw new RangeError(`SimConfig.${k}: expected an integer in [${min}, ${max}], got ${v}`);
  };
  const share = (k: keyof ResolvedSimConfig, max = 1) => {
    const v = c[k] as number;
    if (typeof v !== 'number' || !(v >= 0 && v <= max)) throw new RangeError(`SimConfig.${k}: expected a number in [0, ${max}], got ${v}`);
  };
  int('seed', -(2 ** 52), 2 ** 52);
  int('subscribers', 1, 10_000_000);
  int('days', 1, 366);
  int('start', Date.UTC(2000, 0, 2), Date.UTC(2200, 0, 1));
  int('disorderMs', 0, 3_600_000);
  int('windowMs', 60_000, DAY);
  int('tauMs', 60_000, DAY);
  share('fixRate');
  share('badRate', 0.5);
  share('stringTsRate');
  share('arrayRate');
  share('pingPongPerHour', 60);
  int('visitors', 0, 10_000_000);
  share('roamerShare');
  share('nightsAwayRate');
  share('vehiclesPerCar', 1_000_000);
  if (typeof c.roads !== 'boolean') throw new TypeError(`SimConfig.roads: expected a boolean, got ${c.roads}`);
  if (c.incident) {
    const i = c.incident;
    if (i.day !== undefined && !(Number.isInteger(i.day) && i.day >= 0 && i.day < c.days)) throw new RangeError(`SimConfig.incident.day: expected an integer in [0, ${c.days - 1}], got ${i.day}`);
    if (i.startMin !== undefined && !(i.startMin >= 0 && i.startMin < 1440)) throw new RangeError(`SimConfig.incident.startMin: expected minutes in [0, 1440), got ${i.startMin}`);
    if (i.durationMin !== undefined && !(i.durationMin > 0 && i.durationMin <= 1440)) throw new RangeError(`SimConfig.incident.durationMin: expected minutes in (0, 1440], got ${i.durationMin}`);
    if (i.capacityLeft !== undefined && !(i.capacityLeft > 0 && i.capacityLeft < 1)) throw new RangeError(`SimConfig.incident.capacityLeft: expected a share in (0, 1), got ${i.capacityLeft}`);
  }
  if (typeof c.stayHome !== 'boolean') throw new TypeError(`SimConfig.stayHome: expected a boolean, got ${c.stayHome}`);
  if (DAY % c.windowMs !== 0 || c.windowMs % 60_000 !== 0) {
    throw new RangeError(`SimConfig.windowMs: ${c.windowMs} ms must be whole minutes and divide a day`);
  }
  if (!(Math.abs(c.center.lat) < 85 && Math.abs(c.center.lon) <= 180)) throw new RangeError('SimConfig.center: out of range');
  if (!Array.isArray(c.scenarios)) throw new TypeError('SimConfig.scenarios: expected an array');
  return c;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
