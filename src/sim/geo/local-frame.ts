const M_PER_DEG_LAT = 110_574;
const M_PER_DEG_LON_EQ = 111_320;

/**
 * A flat metric frame (metres east `x`, metres north `y`) around an origin, good to well under 0.1 %
 * over a city. The simulator moves people in metres and converts to WGS84 only on output.
 */
export class LocalFrame {
  readonly lat0: number;
  readonly lon0: number;
  readonly #mPerDegLon: number;

  constructor(lat0: number, lon0: number) {
    if (!(Math.abs(lat0) < 85) || !(Math.abs(lon0) <= 180)) throw new RangeError(`LocalFrame: bad origin ${lat0},${lon0}`);
    this.lat0 = lat0;
    this.lon0 = lon0;
    this.#mPerDegLon = M_PER_DEG_LON_EQ * Math.cos((lat0 * Math.PI) / 180);
  }

  /** Metres east of the origin. */
  x(lon: number): number {
    return (lon - this.lon0) * this.#mPerDegLon;
  }

  /** Metres north of the origin. */
  y(lat: number): number {
    return (lat - this.lat0) * M_PER_DEG_LAT;
  }

  /** Longitude of a point `x` metres east. */
  lon(x: number): number {
    return this.lon0 + x / this.#mPerDegLon;
  }

  /** Latitude of a point `y` metres north. */
  lat(y: number): number {
    return this.lat0 + y / M_PER_DEG_LAT;
  }
}
