import { CholeskyDecomposition, Matrix } from 'ml-matrix';

/** A fitted linear model: ŷ = intercept + Σ coefficients[i] × x[i]. */
export interface LinearModel {
  intercept: number;
  coefficients: Float64Array;
}

/**
 * Ridge regression (L2-penalised least squares) on standardised features, solved by a Cholesky
 * factorisation of XᵀX + λ·n·I (ml-matrix). Standardising makes one `lambda` fit every feature scale;
 * the intercept is not penalised. Constant columns get coefficient 0.
 *
 * @example fitRidge([Float64Array.of(1), Float64Array.of(2)], [3, 5], 0).coefficients // ≈ [2]
 */
export function fitRidge(rows: readonly Float64Array[], y: readonly number[], lambda: number): LinearModel {
  const n = rows.length;
  if (n === 0) throw new RangeError('fitRidge: no rows');
  if (y.length !== n) throw new RangeError(`fitRidge: ${n} rows but ${y.length} targets`);
  if (!(lambda >= 0)) throw new RangeError(`fitRidge: lambda must be ≥ 0, got ${lambda}`);
  const p = rows[0]!.length;
  const mean = new Float64Array(p), sd = new Float64Array(p);
  let my = 0;
  for (let r = 0; r < n; r++) {
    const x = rows[r]!;
    for (let i = 0; i < p; i++) mean[i]! += x[i]!;
    my += y[r]!;
  }
  for (let i = 0; i < p; i++) mean[i]! /= n;
  my /= n;
  for (const x of rows) for (let i = 0; i < p; i++) sd[i]! += (x[i]! - mean[i]!) ** 2;
  for (let i = 0; i < p; i++) sd[i] = Math.sqrt(sd[i]! / n);
  const xtx = Matrix.zeros(p, p), xty = Matrix.zeros(p, 1);
  const z = new Float64Array(p);
  for (let r = 0; r < n; r++) {
    const x = rows[r]!, dy = y[r]! - my;
    for (let i = 0; i < p; i++) z[i] = sd[i]! > 0 ? (x[i]! - mean[i]!) / sd[i]! : 0;
    for (let i = 0; i < p; i++) {
      const zi = z[i]!;
      if (zi === 0) continue;
      xty.set(i, 0, xty.get(i, 0) + zi * dy);
      for (let k = i; k < p; k++) xtx.set(i, k, xtx.get(i, k) + zi * z[k]!);
    }
  }
  for (let i = 0; i < p; i++) {
    for (let k = 0; k < i; k++) xtx.set(i, k, xtx.get(k, i));
    // a tiny floor keeps the system positive definite with λ = 0 or a constant column
    xtx.set(i, i, xtx.get(i, i) + lambda * n + 1e-9 * n);
  }
  const beta = new CholeskyDecomposition(xtx).solve(xty);
  const coefficients = new Float64Array(p);
  let intercept = my;
  for (let i = 0; i < p; i++) {
    if (sd[i]! === 0) continue;
    coefficients[i] = beta.get(i, 0) / sd[i]!;
    intercept -= coefficients[i]! * mean[i]!;
  }
  return { intercept, coefficients };
}

/** ŷ of a linear model for one feature row. */
export function predictLinear(model: LinearModel, x: Float64Array): number {
  let s = model.intercept;
  for (let i = 0; i < x.length; i++) s += model.coefficients[i]! * x[i]!;
  return s;
}
