import type { MobilityConfig } from '../../src/mobility/engine/mobility-config.ts';
import type { SimConfig } from '../../src/sim/sim-config.ts';

/** Where a product may write its scratch files. */
export interface AccuracyContext {
  workDir: string;
  /** Overrides of the trajectory layer's config (`--set key=value`), for experiments. */
  mobility: MobilityConfig;
  log(message: string): void;
}

/** One measured figure; `target` is printed next to it when the issue sets one. */
export interface AccuracyFigure {
  name: string;
  value: number;
  target?: string;
  unit?: string;
}

/** What a product reports for one city. */
export interface AccuracyReport {
  figures: AccuracyFigure[];
}

/**
 * A product whose accuracy is measured against the simulator's truth (OD now; population and traffic
 * later): it simulates what it needs from `sim`, runs the pipeline, and compares.
 */
export interface AccuracyProduct {
  name: string;
  summary: string;
  /** Days the product always simulates, whatever `--days` says (population: two weeks). */
  days?: number;
  run(ctx: AccuracyContext, sim: SimConfig): Promise<AccuracyReport>;
}
