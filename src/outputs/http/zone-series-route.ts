import { ApiError } from './api-error.ts';
import type { ApiContext, Route } from './api-route-types.ts';
import { listZoneSystems } from './query-zones.ts';
import { QueryString } from './query-string.ts';
import { jsonReply } from './reply.ts';
import { unknownZoneSystem } from '../../zones/unknown-zone-system.ts';

/**
 * `GET /api/v1/zones/:system/:zone/series?from&to[&k=]`: people present in one zone window by window
 * (the named query `zone_timeseries`: release elements lying wholly in the zone, null where none
 * reaches k). The dashboard's per-zone chart reads it.
 */
export function zoneSeriesRoute(ctx: ApiContext): Route {
  return {
    path: '/api/v1/zones/:system/:zone/series',
    handler: async (req) => {
      const q = new QueryString(req.query, ['from', 'to', 'k']);
      const system = req.params.system!;
      const zone = req.params.zone!;
      const raw: [string, string][] = [['zone_system', system], ['zone', zone]];
      for (const name of ['from', 'to'] as const) {
        const t = q.time(name);
        if (t !== undefined) raw.push([name, new Date(t).toISOString()]);
      }
      raw.push(['k', String(q.k(ctx.k))]);
      const systems = await ctx.runner.run((conn) => listZoneSystems(conn));
      if (!systems.some((s) => s.name === system)) throw new ApiError('not_found', unknownZoneSystem(system, systems.map((s) => s.name)).message);
      const known = await ctx.runner.run(async (conn) =>
        (await conn.runAndReadAll('SELECT count(*)::INTEGER FROM zones WHERE zone_system = $s AND (zone_id = $z OR lower(zone_name) = lower($z))', { s: system, z: zone })).getRowsJS()[0]![0] as number,
      );
      if (known === 0) throw new ApiError('not_found', `no zone ${zone} in zone system ${system}`);
      const answer = await ctx.runner.run((conn) => ctx.catalogue.run(conn, 'zone_timeseries', raw, ctx.k, ctx.maxRows));
      return jsonReply(answer, ctx.cacheSeconds);
    },
  };
}
