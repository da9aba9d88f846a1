/**
 * TypeScript mirrors of the JSON Schemas in this folder. The JSON Schema files are the contract for
 * producers; these types are what the pipeline works with after decoding.
 */

/** The signalling kinds the network reports. Other strings are kept as presence signals. */
export const SIGNALLING_KINDS = ['attach', 'detach', 'tau', 'handover', 'paging', 'call', 'sms', 'data'] as const;
export type SignallingKind = (typeof SIGNALLING_KINDS)[number];

/** A signalling record as it arrives (see signalling-event.schema.json). */
export interface SignallingEvent {
  /** Event time: epoch ms or RFC 3339 string. */
  ts: number | string;
  imsi: string;
  /** Cell global id. */
  cell: string;
  /** One of {@link SIGNALLING_KINDS}, or any other string (counted as a presence signal). */
  event: SignallingKind | (string & {});
}

/** A location fix as it arrives (see location-event.schema.json). */
export interface LocationEvent {
  ts: number | string;
  imsi: string;
  lat: number;
  lon: number;
  accuracy_m?: number;
}

/** Either kind of input record; the kind follows from the fields present. */
export type InputRecord = SignallingEvent | LocationEvent;

/** One row of the cell table (see cell-table.schema.json), after parsing. */
export interface CellVersion {
  cellId: string;
  lat: number;
  lon: number;
  siteId?: string;
  azimuthDeg?: number;
  rangeM?: number;
  /** Inclusive start, epoch ms; -Infinity when open. */
  validFrom: number;
  /** Exclusive end, epoch ms; +Infinity when open. */
  validTo: number;
}

/** The reasons a record is dead-lettered. Closed set: every reason has a test. */
export const DEAD_LETTER_REASONS = [
  'malformed_json',
  'not_an_object',
  'unknown_kind',
  'missing_field',
  'invalid_field',
  'coordinates_out_of_range',
  'invalid_timestamp',
  'timestamp_out_of_range',
  'unknown_cell',
] as const;
export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[number];

/** H3 resolution of {@link LocatedEvent.at} (≈ 25 m edge). */
export const AT_RES = 11;

/** The `kind` of a located event made from a location fix (signalling events keep their `event`). */
export const FIX_KIND = 'fix';

/**
 * Fallback for {@link LocatedEvent.at} when the best-server model leaves a sector nothing to
 * serve: its centre is put this share of `range_m` along the azimuth (the centroid of a 120° disk
 * sector of radius R lies 2R·sin(60°)/(3·π/3) ≈ 0.55 R from the apex).
 */
export const SECTOR_CENTROID_FACTOR = 0.5;

/**
 * A record that passed validation, pseudonymisation and location: what the window stage sees.
 * `device` is the keyed-HMAC pseudonym; the raw IMSI is gone by now.
 */
export interface LocatedEvent {
  /** Event time, epoch ms. */
  ts: number;
  /** Pseudonymous device id (hex). */
  device: string;
  /** H3 cell at the base resolution, as a hex string. */
  h3: string;
  /** Signalling kind, or `fix` for location events. */
  kind: string;
  /**
   * Where the event is, finer than `h3`, as an H3 cell at {@link AT_RES}: for a signalling event of a
   * sectored cell, the centre of the sector's served area — the centroid of the part of the site's
   * Voronoi cell (nearest site) facing `azimuth_deg`, within `range_m` (src/locate/sector-centres.ts);
   * for a fix, its own position. Absent for omni cells (the site is all we know). Presence ignores
   * it (events count at `h3`); the trajectory layer places events here.
   */
  at?: string;
  /**
   * Mobile Country Code of the subscriber (first 3 digits of the IMSI), kept before pseudonymisation:
   * a non-identifying attribute (tells inbound roamers from domestic devices). Absent when the IMSI
   * does not start with 3 digits.
   */
  mcc?: string;
}
