/**
 * Places a stay seen through cell events from how long it was served by each sector: `dwell` maps a
 * track point's place key ({@link TrackPoint.h3}: the sector's centre cell) to the milliseconds the
 * device spent on it within the stay (ping-pong excursions included). Returns the stay's position
 * [lat, lng], or null to keep the time-weighted centre of the sector centres. Built from the cell
 * table by `pingPongPlacer` (src/locate/ping-pong-placer.ts); the engine runs without one.
 */
export type StayPlacer = (dwell: Readonly<Record<string, number>>) => readonly [lat: number, lng: number] | null;
