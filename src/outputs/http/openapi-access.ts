import { routeScope } from './access-gate.ts';

type Schema = Record<string, unknown>;

const errorRef = (code: number) => ({ $ref: `#/components/responses/E${code}` });

/** The audit routes' paths (served by audit-routes.ts). */
const AUDIT_PATHS: Schema = {
  '/api/v1/audit/head': {
    get: {
      summary: 'The latest signed tree head of the database ledger (RFC 9162 Merkle tree, Ed25519)',
      operationId: 'auditHead',
      responses: { '200': { description: '{log_id, size, root_hash, time, key_id, signature}', content: { 'application/json': { schema: { $ref: '#/components/schemas/SignedTreeHead' } } } }, '404': errorRef(404) },
    },
  },
  '/api/v1/audit/proof/{index}': {
    get: {
      summary: 'Inclusion proof of ledger entry `index` (alerts carry their ledger_index)',
      operationId: 'auditProof',
      parameters: [
        { name: 'index', in: 'path', required: true, schema: { type: 'integer', minimum: 0 } },
        { name: 'size', in: 'query', required: false, description: 'tree size of a signed head (default the latest)', schema: { type: 'integer', minimum: 1 } },
      ],
      responses: { '200': { description: '{head, proofs: [{leaf_index, tree_size, entry, audit_path}]}', content: { 'application/json': { schema: { type: 'object' } } } }, '400': errorRef(400), '404': errorRef(404) },
    },
  },
  '/api/v1/audit/consistency': {
    get: {
      summary: 'Consistency proof between two tree sizes (RFC 9162 §2.1.4), for witnesses',
      operationId: 'auditConsistency',
      parameters: [
        { name: 'from', in: 'query', required: true, schema: { type: 'integer', minimum: 1 } },
        { name: 'to', in: 'query', required: false, description: 'default the latest size', schema: { type: 'integer', minimum: 1 } },
      ],
      responses: { '200': { description: '{from_size, to_size, path}', content: { 'application/json': { schema: { type: 'object' } } } }, '400': errorRef(400) },
    },
  },
};

/**
 * Adds access control to the OpenAPI document: the `bearer` security scheme (EdDSA JWT from
 * `citypulse tokens create`), the scope each operation needs, the 401/403/429 answers, the open paths
 * (`security: []`), and the audit routes.
 */
export function withAccessControl(doc: Schema): Schema {
  const paths = { ...(doc.paths as Record<string, Record<string, Schema>>), ...(AUDIT_PATHS as Record<string, Record<string, Schema>>) };
  for (const [path, ops] of Object.entries(paths)) {
    const scope = routeScope(path.replace(/\{[^}]+\}/g, 'x'));
    for (const op of Object.values(ops)) {
      if (scope === null) {
        op.security = [];
        continue;
      }
      op.description = `${op.description ? `${String(op.description)} ` : ''}Needs a token with scope \`${scope}\` (or \`admin\`).`;
      op.responses = { ...(op.responses as Schema), '401': errorRef(401), '403': errorRef(403), '429': errorRef(429) };
    }
  }
  const components = doc.components as { schemas: Schema; responses: Schema } & Schema;
  return {
    ...doc,
    security: [{ bearer: [] }],
    paths,
    components: {
      ...components,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'EdDSA-signed JWT from `citypulse tokens create --scopes …`; scopes: heatmap:read, alerts:read, od:read, population:read, traffic:read, queries:read, audit:read, admin' },
      },
      responses: {
        ...components.responses,
        E401: { description: 'No token, or a bad, expired or revoked one (WWW-Authenticate: Bearer)', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
        E403: { description: 'The token lacks the scope of this route', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
        E429: { description: 'The token is over its rate limit; see Retry-After', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      },
      schemas: {
        ...components.schemas,
        SignedTreeHead: {
          type: 'object',
          required: ['log_id', 'size', 'root_hash', 'time', 'key_id', 'signature'],
          properties: {
            log_id: { type: 'string' },
            size: { type: 'integer', minimum: 0 },
            root_hash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
            time: { type: 'string', format: 'date-time' },
            key_id: { type: 'string', description: 'SHA-256 of the raw Ed25519 public key, hex, first 32 digits' },
            signature: { type: 'string', description: "Ed25519 over 'citypulse signed tree head v1\\n' + canonical JSON of the other fields, base64" },
          },
        },
      },
    },
  };
}
