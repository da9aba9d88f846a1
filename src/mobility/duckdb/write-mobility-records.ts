import type { DuckDBConnection } from '@duckdb/node-api';
import { h3ToBigInt } from '../../outputs/duckdb/duckdb-sink.ts';
import { valueCodec } from '../../outputs/duckdb/value-codec.ts';
import { withAppender } from '../../outputs/duckdb/with-appender.ts';
import type { MobilityRecord } from '../plugin/mobility-record.ts';
import { MOBILITY_TABLES_SQL } from './mobility-schema.ts';

/** Creates the trajectory tables when missing. */
export async function ensureMobilityTables(conn: DuckDBConnection): Promise<void> {
  await conn.run(MOBILITY_TABLES_SQL);
}

/**
 * Appends the mobility consumer's outputs to `stays`, `trips` and `od_h3_hourly` (one appender per
 * table). Runs inside the caller's transaction when it has one (under `stream`, the one that commits
 * the offsets and the consumer's snapshot).
 */
export async function writeMobilityRecords(conn: DuckDBConnection, records: readonly MobilityRecord[]): Promise<void> {
  const stays = records.filter((r) => r.table === 'stays');
  const trips = records.filter((r) => r.table === 'trips');
  const od = records.filter((r) => r.table === 'od_h3_hourly');
  if (stays.length > 0) {
    await withAppender(conn, 'stays', (a) => {
      for (const { row: s } of stays) {
        a.appendVarchar(s.device);
        valueCodec.appendTimestampTZ(a, s.start);
        valueCodec.appendTimestampTZ(a, s.end);
        valueCodec.appendTimestampTZ(a, s.lastTs);
        a.appendUBigInt(h3ToBigInt(s.h3));
        a.appendDouble(s.lat);
        a.appendDouble(s.lng);
        a.appendInteger(s.events);
        a.appendInteger(s.oscillations);
        a.appendVarchar(s.source);
        a.appendVarchar(s.endReason);
        a.endRow();
      }
    });
  }
  if (trips.length > 0) {
    await withAppender(conn, 'trips', (a) => {
      for (const { row: t } of trips) {
        a.appendVarchar(t.device);
        a.appendUBigInt(h3ToBigInt(t.origin));
        a.appendUBigInt(h3ToBigInt(t.destination));
        valueCodec.appendTimestampTZ(a, t.departTs);
        valueCodec.appendTimestampTZ(a, t.arriveTs);
        a.appendDouble(t.departUncertaintyMs / 1000);
        a.appendDouble(t.distanceM);
        a.appendDouble((t.arriveTs - t.departTs) / 1000);
        a.appendDouble(t.originLat);
        a.appendDouble(t.originLng);
        a.appendDouble(t.destinationLat);
        a.appendDouble(t.destinationLng);
        a.endRow();
      }
    });
  }
  if (od.length > 0) {
    await withAppender(conn, 'od_h3_hourly', (a) => {
      for (const { row: o } of od) {
        valueCodec.appendTimestampTZ(a, o.hour);
        a.appendUBigInt(h3ToBigInt(o.origin));
        a.appendUBigInt(h3ToBigInt(o.destination));
        a.appendInteger(o.trips);
        a.endRow();
      }
    });
  }
}
