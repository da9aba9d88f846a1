import { H3SqlError } from './h3-scalar-function.ts';

/** A polygon as GeoJSON-style loops of `[lng, lat]` degrees; the first loop is the shell. */
export type PolygonLoops = [lng: number, lat: number][][];

/** A WKT syntax error; its message and position follow the extension's. */
export class WktSyntaxError extends H3SqlError {
  override readonly name = 'WktSyntaxError';
}

// strtod's accepted prefix: decimal numbers, inf/infinity, nan (hex floats are not needed for WKT).
const NUMBER_PREFIX = /^[\t\n\v\f\r ]*[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?|nan(?:\([0-9A-Za-z_]*\))?)/i;

function parseNumberPrefix(part: string): number | undefined {
  const match = NUMBER_PREFIX.exec(part);
  if (match === null) {
    return undefined;
  }
  const text = match[0].trim().toLowerCase();
  const unsigned = text.replace(/^[+-]/, '');
  if (unsigned.startsWith('inf')) return text.startsWith('-') ? -Infinity : Infinity;
  if (unsigned.startsWith('nan')) return NaN;
  return Number(text);
}

/**
 * Parses `POLYGON ((x y, ...), (hole ...))` with the DuckDB h3 extension's
 * hand-written reader, so the same strings succeed, give no polygon, or fail
 * with the same message and character position:
 *
 * - text not starting with `POLYGON`, `POLYGON EMPTY`, or `POLYGON` without
 *   `(` give `null` (no cells, not an error);
 * - numbers run to the next space, `,` or `)` and are read like C's `stod`
 *   (a numeric prefix is enough, `1.5abc` reads as 1.5);
 * - only spaces count as whitespace between tokens;
 * - text after the final `)` is ignored.
 *
 * @throws WktSyntaxError `Expected ( at pos N`, `Invalid number around A, B`,
 *   `Invalid WKT: expected a hole loop ...`, or (where the extension reads
 *   past the end of the string) `Invalid WKT: unexpected end at pos N`.
 * @example parsePolygonWkt('POLYGON ((0 0, 1 0, 1 1, 0 0))') // [[[0, 0], [1, 0], [1, 1], [0, 0]]]
 */
export function parsePolygonWkt(text: string): PolygonLoops | null {
  const length = text.length;
  const spaces = (at: number): number => {
    while (text.charCodeAt(at) === 32) at++;
    return at;
  };
  const readNumber = (start: number): [value: number, end: number] => {
    let end = start;
    while (end < length) {
      const code = text.charCodeAt(end);
      if (code === 32 || code === 41 || code === 44) break; // ' ' ')' ','
      end++;
    }
    const value = parseNumberPrefix(text.slice(start, end));
    if (value === undefined) {
      throw new WktSyntaxError(`Invalid number around ${start}, ${end}`);
    }
    return [value, end];
  };
  const readLoop = (start: number, loop: [number, number][]): number => {
    if (text[start] !== '(') {
      throw new WktSyntaxError(`Expected ( at pos ${start}`);
    }
    let at = spaces(start + 1);
    while (text[at] !== ')') {
      if (at >= length) {
        throw new WktSyntaxError(`Invalid WKT: unexpected end at pos ${at}`);
      }
      const [x, afterX] = readNumber(at);
      const [y, afterY] = readNumber(spaces(afterX));
      at = spaces(afterY);
      loop.push([x, y]);
      if (text[at] === ',') {
        at = spaces(at + 1);
      }
    }
    return spaces(at + 1);
  };

  if (!text.startsWith('POLYGON')) {
    return null;
  }
  let at = spaces('POLYGON'.length);
  if (text.startsWith('EMPTY', at) || text[at] !== '(') {
    return null;
  }
  at = spaces(at + 1);
  const loops: PolygonLoops = [[]];
  at = readLoop(at, loops[0]!);
  while (at < length && text[at] === ',') {
    at = spaces(at + 1);
    if (text[at] !== '(') {
      throw new WktSyntaxError(`Invalid WKT: expected a hole loop '(' after ',' at pos ${at}`);
    }
    const hole: [number, number][] = [];
    at = readLoop(at, hole);
    loops.push(hole);
  }
  if (text[at] !== ')') {
    throw new WktSyntaxError(`Invalid WKT: expected a hole loop ',' or final ')' at pos ${at}`);
  }
  return loops;
}
