/** Where a scenario's attendees stand, in the city's metric frame. */
export interface Venue {
  x: number;
  y: number;
  radius: number;
  /** Index of the zone holding the venue, -1 when none. */
  zone: number;
}
