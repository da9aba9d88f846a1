/** Visitors of a zone from one origin. */
export interface OriginCount {
  zone: string;
  /** Home zone of a domestic visitor in the same zone system, ISO 3166-1 alpha-2 country of a roamer, or `unknown`. */
  origin: string;
  visitors: number;
}
