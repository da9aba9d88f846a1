import { consistencyProofFromDb, inclusionProofsFromDb } from '../../audit/duckdb/proofs-from-db.ts';
import { readHeads, readLatestHead } from '../../audit/duckdb/read-ledger.ts';
import type { Route } from './api-route-types.ts';
import { ApiError } from './api-error.ts';
import type { QueryRunner } from './query-runner.ts';
import { QueryString } from './query-string.ts';
import { jsonReply } from './reply.ts';

/**
 * The ledger routes (scope `audit:read`) over the served database's ledger: the latest signed head,
 * an entry's inclusion proof, and a consistency proof between two sizes — what a duty room or a
 * witness (`citypulse audit witness --api`) needs.
 */
export function auditRoutes(runner: QueryRunner): Route[] {
  const latest = async () => {
    const head = await runner.run((conn) => readLatestHead(conn));
    if (!head) throw new ApiError('not_found', 'this database has no signed ledger head (written without a ledger?)');
    return head;
  };
  return [
    {
      path: '/api/v1/audit/head',
      handler: async (req) => {
        new QueryString(req.query, []);
        return jsonReply(await latest());
      },
    },
    {
      path: '/api/v1/audit/proof/:index',
      handler: async (req) => {
        const q = new QueryString(req.query, ['size']);
        const head = await latest();
        const index = Number(req.params.index);
        if (!Number.isInteger(index) || index < 0 || index >= head.size) throw new ApiError('bad_parameter', `index must be an integer from 0 to ${head.size - 1}`, { parameter: 'index' });
        const size = q.int('size', index + 1, head.size, head.size);
        const heads = size === head.size ? [head] : await runner.run((conn) => readHeads(conn));
        const at = heads.find((h) => h.size === size);
        if (!at) throw new ApiError('not_found', `no signed head of size ${size}`);
        const proofs = await runner.run((conn) => inclusionProofsFromDb(conn, [index], size));
        return jsonReply({ head: at, proofs });
      },
    },
    {
      path: '/api/v1/audit/consistency',
      handler: async (req) => {
        const q = new QueryString(req.query, ['from', 'to']);
        const head = await latest();
        const to = q.int('to', 1, head.size, head.size);
        const from = q.int('from', 1, to, to);
        return jsonReply(await runner.run((conn) => consistencyProofFromDb(conn, from, to)));
      },
    },
  ];
}
