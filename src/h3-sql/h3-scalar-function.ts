import { UserInputError } from '../core/citypulse-error.ts';
import type { DuckDBScalarFunctionInfo, DuckDBDataChunk, DuckDBType, DuckDBValue, DuckDBVector } from '@duckdb/node-api';

/**
 * One overload of an H3 SQL function: a name, its argument and result types,
 * and the vector function DuckDB calls with a whole chunk of rows.
 * Several overloads share a name; DuckDB picks one by argument types.
 */
export interface H3ScalarFunction {
  readonly name: string;
  readonly parameterTypes: readonly DuckDBType[];
  readonly returnType: DuckDBType;
  readonly main: (info: DuckDBScalarFunctionInfo, chunk: DuckDBDataChunk, out: DuckDBVector) => void;
}

/**
 * The per-row body of a function. It receives the non-NULL argument values
 * of one row (bigint for BIGINT/UBIGINT, number for INTEGER/DOUBLE, string
 * for VARCHAR, `DuckDBListValue` for lists) and returns the result value or
 * null for SQL NULL. Declared with `never[]` so kernels can name their own
 * parameter types.
 */
export type RowKernel = (...args: never[]) => DuckDBValue | null;

/**
 * An error that becomes the SQL error of the statement (for example a WKT
 * syntax error). Errors thrown by h3-js for invalid cells, resolutions or
 * units instead make the row NULL, as the extension does.
 */
export class H3SqlError extends UserInputError {
  override readonly name: string = 'H3SqlError';
}

function isH3LibraryError(error: unknown): boolean {
  // h3-js throws plain Errors carrying the numeric H3 error code.
  return error instanceof Error && !(error instanceof H3SqlError) && typeof (error as { code?: unknown }).code === 'number';
}

type AnyKernel = (...args: unknown[]) => DuckDBValue | null;

function invoke(kernel: AnyKernel, args: unknown[], arity: number): DuckDBValue | null {
  switch (arity) {
    case 0:
      return kernel();
    case 1:
      return kernel(args[0]);
    case 2:
      return kernel(args[0], args[1]);
    case 3:
      return kernel(args[0], args[1], args[2]);
    default:
      return kernel(...args);
  }
}

/**
 * Wraps a row kernel into a DuckDB vector function. A NULL in any argument
 * gives NULL without calling the kernel (the extension's default); an h3-js
 * error gives NULL; an `H3SqlError` fails the statement with its message.
 *
 * The argument array is reused for every row of the chunk, and results are
 * written into the output vector and flushed once per chunk.
 */
export function rowFunction(kernel: RowKernel): H3ScalarFunction['main'] {
  const call = kernel as unknown as AnyKernel;
  return (info, chunk, out) => {
    const rows = chunk.rowCount;
    const arity = chunk.columnCount;
    const vectors: DuckDBVector[] = [];
    for (let c = 0; c < arity; c++) {
      vectors.push(chunk.getColumnVector(c));
    }
    const args: unknown[] = new Array(arity);
    rows: for (let r = 0; r < rows; r++) {
      for (let c = 0; c < arity; c++) {
        const value = vectors[c]!.getItem(r);
        if (value === null) {
          out.setItem(r, null);
          continue rows;
        }
        args[c] = value;
      }
      let result: DuckDBValue | null;
      try {
        result = invoke(call, args, arity);
      } catch (error) {
        if (!isH3LibraryError(error)) {
          info.setError(error instanceof Error ? error.message : String(error));
          return;
        }
        result = null;
      }
      out.setItem(r, result);
    }
    out.flush();
  };
}

/** Shorthand for one overload whose body is a row kernel. */
export function scalar(
  name: string,
  parameterTypes: readonly DuckDBType[],
  returnType: DuckDBType,
  kernel: RowKernel,
): H3ScalarFunction {
  return { name, parameterTypes, returnType, main: rowFunction(kernel) };
}
