/**
 * WKT output in the extension's exact text form: coordinates printed with
 * C's `%f` (six decimals), `lng lat` order, loops closed by repeating the
 * first vertex.
 */

/** A loop of `[lng, lat]` degree pairs, first vertex repeated at the end. */
export type WktLoop = readonly (readonly number[])[];

/**
 * Formats a number like C's `printf("%f")`: six decimals, round half to even
 * on the exact binary value (JavaScript's `toFixed` rounds exact ties away
 * from zero), and `-0.000000` for negative values that round to zero.
 * Intended for coordinates: magnitudes must stay below 1e21.
 */
export function formatFixed6(value: number): string {
  if (!Number.isFinite(value)) {
    return Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf';
  }
  const magnitude = Math.abs(value);
  let text = magnitude.toFixed(6);
  // An exact tie at the 7th decimal needs value * 10^6 = n + 0.5 exactly, which for
  // a binary double means an odd multiple of 1/128 (multiplying by 128 is exact).
  if (Number.isInteger(magnitude * 128) && !Number.isInteger(magnitude * 64)) {
    const truncated = magnitude.toFixed(7).slice(0, -1);
    const lastDigit = truncated.charCodeAt(truncated.length - 1) - 48;
    if (lastDigit % 2 === 0) {
      text = truncated; // round half to even keeps the even digit
    }
  }
  return value < 0 || Object.is(value, -0) ? '-' + text : text;
}

function formatLoop(loop: WktLoop): string {
  let text = '(';
  for (let i = 0; i < loop.length; i++) {
    const vertex = loop[i]!;
    if (i > 0) text += ', ';
    text += formatFixed6(vertex[0]!) + ' ' + formatFixed6(vertex[1]!);
  }
  return text + ')';
}

/** `POLYGON ((x y, ...), (hole...))` from loops; the first loop is the shell. */
export function formatPolygonWkt(loops: readonly WktLoop[]): string {
  return 'POLYGON (' + loops.map(formatLoop).join(', ') + ')';
}

/** `MULTIPOLYGON (((...)), ((...)))`, or `MULTIPOLYGON EMPTY` for no polygons. */
export function formatMultiPolygonWkt(polygons: readonly (readonly WktLoop[])[]): string {
  if (polygons.length === 0) {
    return 'MULTIPOLYGON EMPTY';
  }
  return 'MULTIPOLYGON (' + polygons.map((loops) => '(' + loops.map(formatLoop).join(', ') + ')').join(', ') + ')';
}
