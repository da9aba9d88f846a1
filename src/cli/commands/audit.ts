import { createPublicKey, type KeyObject } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ledgerKeyPath } from '../flags/ledger-flags.ts';
import { alertRowDigests } from '../../audit/duckdb/alert-row-digests.ts';
import { inclusionProofsFromDb } from '../../audit/duckdb/proofs-from-db.ts';
import { publishedHead } from '../../audit/duckdb/published-head.ts';
import { DEFAULT_HEADS_TOPIC } from '../../audit/kafka/head-producer.ts';
import { readHeads, readLatestHead, readLedgerRows } from '../../audit/duckdb/read-ledger.ts';
import { auditLedger } from '../../audit/engine/audit-ledger.ts';
import { leafHash } from '../../audit/engine/merkle-hash.ts';
import type { ConsistencyProofJson, ProofBundle, PublishedHead } from '../../audit/engine/proof-bundle.ts';
import { checkTreeHead, keyIdOf, type SignedTreeHead } from '../../audit/engine/tree-head.ts';
import { verifyInclusion } from '../../audit/engine/verify-proofs.ts';
import { loadOrCreateEd25519Key, readPublicKeyFile } from '../../audit/keys/ed25519-key-file.ts';
import { judgeHead } from '../../audit/witness/judge-head.ts';
import { createKafka } from '../../ingest/sources/kafka/kafka-client.ts';
import { openDatabase, type Database } from '../../outputs/duckdb/open.ts';
import { brokersArg } from '../../core/brokers.ts';
import { UsageError, dispatchSubcommand, parseCommandArgs, required, type Command, type CommandContext } from '../command.ts';
import { parseDuration } from '../../core/duration.ts';


const HELP = `Usage: citypulse audit <head|verify|prove|check|public-key|publish|witness> [options]

The signed, append-only ledger of a database (docs/audit.md): an RFC 9162 Merkle tree over every
alert event, ingest run and API access, with Ed25519-signed tree heads.

  citypulse audit head --db FILE
      the latest signed tree head as JSON (log_id, size, root_hash, time, key_id, signature)
  citypulse audit verify --db FILE [--head HEAD.json] [--public-key PEM]
      recomputes the tree, checks every entry, every stored head and the alerts table both ways;
      with --head (a head you kept), proves the log only grew. Exit 0 intact, 1 with the first
      broken entry named
  citypulse audit prove --db FILE (--alert ID | --index N) [--size N] [--out FILE]
      inclusion proofs of an alert's events (or one entry) against the latest head (or size N)
  citypulse audit check --proof FILE --head FILE --public-key PEM
      offline check of a proof: the head's signature and every inclusion path. Exit 0 / 1
  citypulse audit public-key [--ledger-key FILE] [--out FILE]
      the public half (SPKI PEM) of the ledger signing key, and its key id on stderr
  citypulse audit publish --db FILE [--brokers B] [--topic ${DEFAULT_HEADS_TOPIC}]
      publishes the latest head with consistency proofs from earlier heads to Kafka
  citypulse audit witness --public-key PEM --state DIR [--brokers B] [--topic ${DEFAULT_HEADS_TOPIC}]
                          [--api URL --token T] [--until-idle DUR]
      another party's witness: keeps every head seen in DIR, checks each new one for consistency
      (attached proofs, else the API's /api/v1/audit/consistency) and stops with exit 1 and a line
      starting "ALARM" on a fork, rewrite or bad signature

Options:
  --db FILE           DuckDB file with a ledger (written by ingest/stream, or a serve ledger file)
  --public-key PEM    the log's public key (default for verify: the public half of --ledger-key)
  --ledger-key FILE   signing key (default $CITYPULSE_LEDGER_KEY_FILE, else <key dir>/ledger-ed25519.pem)
  -h, --help          this help
`;

export const auditCommand: Command = {
  name: 'audit',
  summary: 'signed ledger: head, verify, inclusion proofs, offline check, publish, witness',
  help: HELP,
  run: (argv, ctx) => dispatchSubcommand('audit', argv, ctx, HELP, { head, verify, prove, check, 'public-key': publicKey, publish, witness }),
};

async function openLedgerDb(path: string): Promise<Database> {
  if (!existsSync(path)) throw new UsageError(`--db ${path}: no such file`);
  try {
    return await openDatabase(path, { readOnly: true });
  } catch (cause) {
    throw new Error(`cannot open ${path} read-only (a running writer holds it?): ${(cause as Error).message.split('\n')[0]}`, { cause });
  }
}

function readJsonFile<T>(path: string, flag: string): T {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (err) {
    throw new UsageError(`--${flag} ${path}: ${(err as Error).message}`);
  }
}

function verifierKey(v: Record<string, unknown>, ctx: CommandContext): KeyObject {
  if (v['public-key']) return readPublicKeyFile(String(v['public-key']));
  const path = ledgerKeyPath(ctx.env, v['ledger-key'] as string | undefined);
  if (!existsSync(path)) throw new UsageError(`no --public-key given and no ledger key at ${path}: pass the log's public key (citypulse audit public-key exports it)`);
  return loadOrCreateEd25519Key(path).publicKey;
}

async function head(argv: string[], ctx: CommandContext): Promise<number> {
  const args = parseCommandArgs(argv, { db: { type: 'string' } }, HELP, ctx);
  if (!args) return 0;
  const db = await openLedgerDb(required(args.values, 'db'));
  try {
    const h = await readLatestHead(db.connection);
    if (!h) {
      ctx.stderr.write(`citypulse audit: ${db.path} has no signed tree head yet (no ledger entries)\n`);
      return 1;
    }
    ctx.stdout.write(JSON.stringify(h, null, 2) + '\n');
    return 0;
  } finally {
    db.close();
  }
}

async function verify(argv: string[], ctx: CommandContext): Promise<number> {
  const args = parseCommandArgs(argv, { db: { type: 'string' }, head: { type: 'string' }, 'public-key': { type: 'string' }, 'ledger-key': { type: 'string' } }, HELP, ctx);
  if (!args) return 0;
  const v = args.values;
  const dbPath = required(v, 'db');
  const key = verifierKey(v, ctx);
  const kept = v.head ? readJsonFile<SignedTreeHead>(v.head, 'head') : undefined;
  const db = await openLedgerDb(dbPath);
  let report;
  try {
    const [rows, heads, alertRows] = [await readLedgerRows(db.connection), await readHeads(db.connection), await alertRowDigests(db.connection)];
    report = auditLedger({ rows, heads, publicKey: key, alertRows, keptHead: kept });
  } finally {
    db.close();
  }
  const summary = `${dbPath}: ${report.size} entries, root ${report.root}, ${report.headsChecked} signed heads and ${report.alertsChecked} alerts checked (key ${keyIdOf(key)})`;
  if (report.ok) {
    ctx.stdout.write(`intact: ${summary}${kept ? `; the log only grew since the kept head of size ${kept.size}` : ''}\n`);
    return 0;
  }
  const first = report.problems[0]!;
  ctx.stdout.write(`BROKEN: ${first.message}\n`);
  if (report.problems.length > 1) ctx.stdout.write(`  and ${report.problems.length - 1} more:\n${report.problems.slice(1, 20).map((p) => `  - ${p.message}\n`).join('')}`);
  ctx.stdout.write(`  (${summary})\n`);
  return 1;
}

async function prove(argv: string[], ctx: CommandContext): Promise<number> {
  const args = parseCommandArgs(argv, { db: { type: 'string' }, alert: { type: 'string' }, index: { type: 'string' }, size: { type: 'string' }, out: { type: 'string' } }, HELP, ctx);
  if (!args) return 0;
  const v = args.values;
  if ((v.alert === undefined) === (v.index === undefined)) throw new UsageError('give exactly one of --alert ID or --index N');
  const db = await openLedgerDb(required(v, 'db'));
  try {
    const heads = await readHeads(db.connection);
    if (heads.length === 0) throw new UsageError(`${db.path} has no signed tree head yet`);
    const head = v.size === undefined ? heads.at(-1)! : heads.find((h) => h.size === Number(v.size));
    if (!head) throw new UsageError(`--size ${v.size}: no signed head of that size (sizes: ${heads.map((h) => h.size).slice(-10).join(', ')})`);
    let indices: number[];
    if (v.index !== undefined) {
      const i = Number(v.index);
      if (!Number.isInteger(i) || i < 0 || i >= head.size) throw new UsageError(`--index must be an integer from 0 to ${head.size - 1}, got ${v.index}`);
      indices = [i];
    } else {
      const r = await db.connection.runAndReadAll(`SELECT idx::DOUBLE FROM ledger WHERE type = 'alert' AND starts_with(ref, $1) AND idx < $2 ORDER BY idx`, [`alert:${v.alert}#`, head.size]);
      indices = r.getRowsJS().map(([i]) => i as number);
      if (indices.length === 0) throw new UsageError(`--alert ${v.alert}: no ledger entry for this alert in the first ${head.size} entries`);
    }
    const bundle: ProofBundle = { head, proofs: await inclusionProofsFromDb(db.connection, indices, head.size) };
    const text = JSON.stringify(bundle, null, 2) + '\n';
    if (v.out) {
      writeFileSync(v.out, text);
      ctx.stderr.write(`${bundle.proofs.length} inclusion proof(s) against the head of size ${head.size} → ${v.out}\n`);
    } else ctx.stdout.write(text);
    return 0;
  } finally {
    db.close();
  }
}

async function check(argv: string[], ctx: CommandContext): Promise<number> {
  const args = parseCommandArgs(argv, { proof: { type: 'string' }, head: { type: 'string' }, 'public-key': { type: 'string' } }, HELP, ctx);
  if (!args) return 0;
  const v = args.values;
  const bundle = readJsonFile<ProofBundle>(required(v, 'proof'), 'proof');
  const head = readJsonFile<SignedTreeHead>(required(v, 'head'), 'head');
  const key = readPublicKeyFile(required(v, 'public-key'));
  const bad = checkTreeHead(head, key);
  if (bad) {
    ctx.stdout.write(`REJECTED: the head in ${v.head}: ${bad}\n`);
    return 1;
  }
  if (!Array.isArray(bundle?.proofs) || bundle.proofs.length === 0) throw new UsageError(`--proof ${v.proof}: no proofs in it`);
  for (const p of bundle.proofs) {
    if (p.tree_size !== head.size) {
      ctx.stdout.write(`REJECTED: the proof of entry ${p.leaf_index} is for tree size ${p.tree_size}, the head is of size ${head.size} (ask: citypulse audit prove --size ${head.size})\n`);
      return 1;
    }
    const ok = verifyInclusion(leafHash(p.entry), p.leaf_index, p.tree_size, p.audit_path.map((h) => Buffer.from(h, 'hex')), Buffer.from(head.root_hash, 'hex'));
    if (!ok) {
      ctx.stdout.write(`REJECTED: entry ${p.leaf_index} is not in the tree of size ${head.size} with root ${head.root_hash}\n`);
      return 1;
    }
  }
  const what = bundle.proofs.map((p) => {
    const e = JSON.parse(p.entry) as { type: string; alert_id?: string; seq?: number; state?: string };
    return e.type === 'alert' ? `entry ${p.leaf_index} (alert ${e.alert_id}#${e.seq} ${e.state})` : `entry ${p.leaf_index} (${e.type})`;
  });
  ctx.stdout.write(`verified: ${what.join(', ')} included in log ${head.log_id} at size ${head.size}, head signed by ${head.key_id} at ${head.time}\n`);
  return 0;
}

async function publicKey(argv: string[], ctx: CommandContext): Promise<number> {
  const args = parseCommandArgs(argv, { 'ledger-key': { type: 'string' }, out: { type: 'string' } }, HELP, ctx);
  if (!args) return 0;
  const key = loadOrCreateEd25519Key(ledgerKeyPath(ctx.env, args.values['ledger-key']));
  if (key.created) ctx.stderr.write(`created the ledger signing key ${key.path} (0600)\n`);
  const pem = createPublicKey(key.privateKey).export({ format: 'pem', type: 'spki' }) as string;
  if (args.values.out) writeFileSync(args.values.out, pem);
  else ctx.stdout.write(pem);
  ctx.stderr.write(`key id ${keyIdOf(key.publicKey)}\n`);
  return 0;
}

async function publish(argv: string[], ctx: CommandContext): Promise<number> {
  const args = parseCommandArgs(argv, { db: { type: 'string' }, brokers: { type: 'string' }, topic: { type: 'string', default: DEFAULT_HEADS_TOPIC } }, HELP, ctx);
  if (!args) return 0;
  const v = args.values;
  const db = await openLedgerDb(required(v, 'db'));
  let message: PublishedHead;
  try {
    const heads = await readHeads(db.connection);
    const latest = heads.at(-1);
    if (!latest) throw new UsageError(`${db.path} has no signed tree head yet`);
    // Proofs from the last 32 earlier heads: a witness that saw any of them checks this one offline.
    message = await publishedHead(db.connection, latest, heads.slice(-33, -1).map((h) => h.size));
  } finally {
    db.close();
  }
  const kafka = createKafka({ brokers: brokersArg(v.brokers, ctx.env), clientId: 'citypulse-audit-publish' });
  const producer = kafka.producer({ allowAutoTopicCreation: true });
  await producer.connect();
  try {
    await producer.send({ topic: v.topic!, acks: -1, messages: [{ key: message.head.log_id, value: JSON.stringify(message) }] });
  } finally {
    await producer.disconnect();
  }
  ctx.stdout.write(`published head of size ${message.head.size} (log ${message.head.log_id}) to ${v.topic} with ${message.consistency.length} consistency proofs\n`);
  return 0;
}

async function witness(argv: string[], ctx: CommandContext): Promise<number> {
  const args = parseCommandArgs(
    argv,
    { brokers: { type: 'string' }, topic: { type: 'string', default: DEFAULT_HEADS_TOPIC }, state: { type: 'string' }, 'public-key': { type: 'string' }, api: { type: 'string' }, token: { type: 'string' }, 'until-idle': { type: 'string' }, group: { type: 'string' } },
    HELP,
    ctx,
  );
  if (!args) return 0;
  const v = args.values;
  const stateDir = required(v, 'state');
  const key = readPublicKeyFile(required(v, 'public-key'));
  let idleMs: number | undefined;
  if (v['until-idle'] !== undefined) {
    try {
      idleMs = parseDuration(v['until-idle'], '--until-idle');
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  }
  if (v.api && !/^https?:\/\/./.test(v.api)) throw new UsageError(`--api must be an http(s) URL, got ${v.api}`);
  mkdirSync(stateDir, { recursive: true });
  const stateFile = join(stateDir, 'heads.ndjson');
  const kept = new Map<string, SignedTreeHead[]>();
  if (existsSync(stateFile)) {
    for (const line of readFileSync(stateFile, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const h = JSON.parse(line) as SignedTreeHead;
      kept.set(h.log_id, [...(kept.get(h.log_id) ?? []), h]);
    }
  }
  const fetchProof = async (from: number, to: number): Promise<ConsistencyProofJson[]> => {
    if (!v.api) return [];
    const r = await fetch(new URL(`/api/v1/audit/consistency?from=${from}&to=${to}`, v.api), { headers: v.token ? { authorization: `Bearer ${v.token}` } : {} });
    if (!r.ok) throw new Error(`${v.api}: /api/v1/audit/consistency answered ${r.status}`);
    return [(await r.json()) as ConsistencyProofJson];
  };
  const kafka = createKafka({ brokers: brokersArg(v.brokers, ctx.env), clientId: 'citypulse-witness' });
  const group = v.group ?? `citypulse-witness-${Buffer.from(stateDir).toString('hex').slice(-24)}-${Date.now().toString(36)}`;
  const consumer = kafka.consumer({ groupId: group });
  let exitCode = 0;
  let seen = 0;
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: v.topic!, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      let idle: NodeJS.Timeout | undefined;
      const stop = () => resolve();
      const arm = () => {
        if (idleMs === undefined) return;
        clearTimeout(idle);
        idle = setTimeout(stop, idleMs);
      };
      ctx.signal.addEventListener('abort', stop, { once: true });
      arm();
      consumer
        .run({
          eachMessage: async ({ message }) => {
            arm();
            if (exitCode !== 0) return;
            let msg: PublishedHead;
            try {
              msg = JSON.parse(String(message.value)) as PublishedHead;
            } catch {
              ctx.stdout.write(`ALARM: an unreadable message on ${v.topic} at offset ${message.offset}\n`);
              exitCode = 1;
              return stop();
            }
            const next = msg.head;
            const mine = kept.get(next?.log_id) ?? [];
            let verdict = judgeHead(mine, next, msg.consistency ?? [], key);
            if (verdict.verdict === 'unverified') {
              const latest = [...mine].sort((a, b) => b.size - a.size)[0]!;
              try {
                verdict = judgeHead(mine, next, await fetchProof(latest.size, next.size), key);
              } catch (err) {
                verdict = { verdict: 'unverified', message: `${verdict.message}; ${(err as Error).message}` };
              }
            }
            seen++;
            if (verdict.verdict === 'alarm') {
              ctx.stdout.write(`ALARM: ${verdict.message}\n`);
              exitCode = 1;
              return stop();
            }
            if (verdict.verdict === 'first' || verdict.verdict === 'extends') {
              kept.set(next.log_id, [...mine, next]);
              appendFileSync(stateFile, JSON.stringify(next) + '\n');
            }
            ctx.stdout.write(`${verdict.verdict.padEnd(10)} log ${next.log_id} size ${next.size} root ${next.root_hash.slice(0, 16)}… ${verdict.message}\n`);
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  ctx.stderr.write(`witness: ${seen} heads read; state in ${stateFile}\n`);
  return exitCode;
}
