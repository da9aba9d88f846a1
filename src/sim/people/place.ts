/** A point someone stays at (home, office, bar…), in the city's metric frame. */
export interface Place {
  x: number;
  y: number;
  /** Index of the zone holding it. */
  zone: number;
}
