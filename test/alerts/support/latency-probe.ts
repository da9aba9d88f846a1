// Child process of alert-latency.bench.ts: receives alerts over HTTP and Kafka in a process of its
// own (so a busy ingest does not delay the receiving side) and prints one JSON line per receipt:
// {"via":"kafka"|"webhook","at":<ms>,"closed":"<window_closed_at>"}. First line: {"url": "..."}.
//   node test/alerts/support/latency-probe.ts BROKERS TOPIC
import { Kafka, logLevel } from 'kafkajs';
import type { Alert } from '../../../schemas/alert.ts';
import { httpReceiver } from './http-receiver.ts';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
const [brokers, topic] = process.argv.slice(2);
const rx = await httpReceiver();
const out = (o: unknown) => process.stdout.write(JSON.stringify(o) + '\n');
let seen = 0;
setInterval(() => {
  while (seen < rx.received.length) {
    const r = rx.received[seen++]!;
    out({ via: 'webhook', at: r.at, closed: (JSON.parse(r.body) as Alert).window_closed_at });
  }
}, 20);
if (brokers && topic) {
  const consumer = new Kafka({ clientId: 'probe', brokers: brokers.split(','), logLevel: logLevel.NOTHING }).consumer({ groupId: `probe-${process.pid}`, maxWaitTimeInMs: 20 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void out({ via: 'kafka', at: Date.now(), closed: (JSON.parse(message.value!.toString()) as Alert).window_closed_at }) });
}
out({ url: rx.url });
