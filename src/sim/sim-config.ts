import type { FeatureCollection } from 'geojson';
import type { IncidentSpec } from './roads/incident-spec.ts';
import type { ScenarioSpec } from './scenarios/scenario-spec.ts';

/**
 * Configuration of the city simulator. Every field is optional; defaults are in brackets.
 * The same config (same seed) always yields byte-identical output.
 *
 * @example
 * simulateLines({ seed: 7, subscribers: 5_000, start: Date.UTC(2026, 2, 2), badRate: 0.01 })
 */
export interface SimConfig {
  /** Seed of every random stream. [1] */
  seed?: number;
  /** Number of simulated devices (subscribers). [20000] */
  subscribers?: number;
  /** Number of simulated days. [1] */
  days?: number;
  /**
   * Epoch ms of the first simulated midnight; daily routines run on this clock.
   * [2026-03-02T00:00:00Z, a Monday]. The pipeline rejects events more than a day ahead of the wall
   * clock, so keep the simulated period in the past.
   */
  start?: number;
  /**
   * Zones to lay the city over: a FeatureCollection of Polygon/MultiPolygon. [a city generated from
   * the seed around {@link center}: dense centre, ring districts, suburbs, a stadium and a square]
   */
  zones?: FeatureCollection;
  /** Centre of a generated city (ignored when `zones` is given). [lat 45.46, lon 9.19] */
  center?: { lat: number; lon: number };
  /** Planted crowd events. [a stadium event at 18:30–22:45 and a slow gathering at 14:00–19:30, first day] */
  scenarios?: ScenarioSpec[];
  /** Share of devices that also emit GPS location fixes. [0.2] */
  fixRate?: number;
  /** Share of lines that are deliberately bad records, each recorded in the truth. [0] */
  badRate?: number;
  /** Maximum arrival delay of a line after its event time, ms; most delays are far shorter. [30000] */
  disorderMs?: number;
  /** Length of a ground-truth position window, ms; whole minutes dividing a day. [900000 = 15 min] */
  windowMs?: number;
  /** Periodic TAU timer (T3412) of an idle device, ms. [3240000 = 54 min] */
  tauMs?: number;
  /** Share of records whose `ts` is an RFC 3339 string instead of epoch ms. [0.05] */
  stringTsRate?: number;
  /** Share of multi-record activity bursts sent as one JSON array line (≈ 2 % of lines). [0.22] */
  arrayRate?: number;
  /**
   * Ping-pong episodes per hour of a stationary, attached phone: it is handed over to a neighbouring
   * cell and back after a short dwell (exponential, mean 40 s, at most 4 min). Measured ping-pong
   * shares are 10–40 % of all handovers (Iovan et al. 2013; Wu et al. 2014); 1.5 per hour gives
   * about that share here. 0 disables it. [1.5]
   */
  pingPongPerHour?: number;
  /** Nobody leaves home (no trips, no planted scenarios): the phantom-trip scenario of the OD accuracy. [false] */
  stayHome?: boolean;
  /** Extra visitor devices on top of `subscribers` (population analysis; docs/population.md). [0] */
  visitors?: number;
  /** Share of the visitors that are inbound roamers (foreign MCC). [0.4] */
  roamerShare?: number;
  /** Chance per resident and night of sleeping away from home (at a place in another zone). [0] */
  nightsAwayRate?: number;
  /**
   * Car and transit trips follow a road network (src/sim/roads: radials, a ring, arterials) at speeds
   * from a speed–flow relation, so demand peaks slow traffic; truth per road edge and 5-minute bin
   * (docs/traffic.md). [false: straight-ish paths at constant speed]
   */
  roads?: boolean;
  /** Real vehicles one simulated car stands for, for the speed–flow relation (`roads`). [0 = 500000 / subscribers] */
  vehiclesPerCar?: number;
  /** A planted road incident (a closed lane); implies `roads`. [none] */
  incident?: IncidentSpec;
}

/** A {@link SimConfig} with every default filled in (`zones` stays optional). */
export type ResolvedSimConfig = Required<Omit<SimConfig, 'zones' | 'incident'>> & Pick<SimConfig, 'zones' | 'incident'>;
