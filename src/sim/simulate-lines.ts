import type { SimConfig } from './sim-config.ts';
import { Simulation } from './simulation.ts';
import type { TruthSink } from './truth/truth-sink.ts';

/**
 * The NDJSON lines of a simulation, in arrival order; the ground truth goes to `truth` as it is made.
 * Shorthand for `new Simulation(config).lines(truth)`; use {@link Simulation} to also get the city,
 * the scenarios and the counts.
 *
 * @example
 * for (const line of simulateLines({ seed: 3, subscribers: 1_000 })) handle(JSON.parse(line));
 */
export function simulateLines(config: SimConfig = {}, truth: TruthSink = {}): Generator<string> {
  return new Simulation(config).lines(truth);
}
