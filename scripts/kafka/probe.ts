// Health probe for the local dev broker: exits 0 when a Kafka broker at
// argv[2] (host:port, default 127.0.0.1:9092) answers a Metadata request and
// reports itself as an (unfenced) cluster member with a controller.
// Used by scripts/kafka/start.sh; run with plain `node` (type stripping).
import { Kafka, logLevel } from 'kafkajs';

const broker = process.argv[2] ?? `127.0.0.1:${process.env.KAFKA_PORT ?? '9092'}`;
const timeoutMs = Number(process.env.KAFKA_PROBE_TIMEOUT_MS ?? 5000);

const kafka = new Kafka({
  clientId: 'citypulse-kafka-probe',
  brokers: [broker],
  logLevel: logLevel.NOTHING,
  connectionTimeout: 2000,
  requestTimeout: 3000,
  retry: { retries: 0 },
});
const admin = kafka.admin({ retry: { retries: 0 } });

const timer = setTimeout(() => {
  process.stderr.write(`probe: no answer from ${broker} within ${timeoutMs} ms\n`);
  process.exit(2);
}, timeoutMs);

try {
  await admin.connect();
  const cluster = await admin.describeCluster();
  if (cluster.brokers.length === 0) throw new Error('metadata lists no broker');
  await admin.listTopics();
  process.stdout.write(
    `ok ${broker} clusterId=${cluster.clusterId} controller=${cluster.controller} brokers=${cluster.brokers.length}\n`,
  );
  process.exitCode = 0;
} catch (err) {
  process.stderr.write(`probe: ${broker}: ${(err as Error).message}\n`);
  process.exitCode = 1;
} finally {
  clearTimeout(timer);
  await admin.disconnect().catch(() => {});
}
