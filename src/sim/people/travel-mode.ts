/** How a trip is made. */
export const TRAVEL_MODES = ['walk', 'bike', 'car', 'transit'] as const;
export type TravelMode = (typeof TRAVEL_MODES)[number];
