/**
 * The deterministic city simulator: a synthetic operator feed (signalling and GPS fixes as NDJSON,
 * in arrival order) over a city of zones and cells, with planted crowd events and the ground truth.
 */
export type { SimConfig, ResolvedSimConfig } from './sim-config.ts';
export { resolveSimConfig } from './resolve-sim-config.ts';
export type { SimStats } from './sim-stats.ts';
export { Simulation } from './simulation.ts';
export { simulateLines } from './simulate-lines.ts';
export { createCity } from './city/create-city.ts';
export type { City } from './city/city.ts';
export type { Zone, VenueKind } from './city/zone.ts';
export type { CellSite } from './city/cell-site.ts';
export { cellTableCsv } from './city/cell-table-csv.ts';
export { zonesToGeoJson } from './city/zones-to-geojson.ts';
export { generateZones } from './city/generate-zones.ts';
export { SCENARIO_KINDS, type ScenarioKind, type ScenarioSpec } from './scenarios/scenario-spec.ts';
export type { Scenario } from './scenarios/scenario.ts';
export type { Subscriber, Persona, Appointment } from './people/subscriber.ts';
export { TRAVEL_MODES, type TravelMode } from './people/travel-mode.ts';
export type { TruthSink, TruePosition, TrueTrip, BadLine } from './truth/truth-sink.ts';
export { TruthCollector } from './truth/truth-collector.ts';
export { TRUTH_CSV } from './truth/truth-csv.ts';
export { TRUTH_H3_RES } from './truth/window-truth.ts';
export { scenariosJson } from './truth/scenarios-json.ts';
export { Rng } from './rng.ts';
