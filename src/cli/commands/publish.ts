import { createReadStream, statSync } from 'node:fs';
import { PUBLISH_ENCODINGS, type PublishEncoding } from '../../ingest/encode/message-batcher.ts';
import { publishFile } from '../../ingest/sources/kafka/publish-file.ts';
import { brokersArg } from '../brokers-arg.ts';
import { UsageError, parseCommandArgs, required, type Command } from '../command.ts';
import { Progress, formatCount } from '../progress.ts';

const HELP = `Usage: citypulse publish --from FILE|- --topic T [--partitions N] [--brokers B]
                         [--encoding ndjson|json-array|arrow] [--records-per-message N]

Sends NDJSON records to Kafka. By default each line is one message, keyed by its subscriber (imsi);
a line holding a JSON array of several subscribers' records is split into one message per subscriber
(a line that does not parse goes unkeyed), so a device always lands in the same partition. Batched encodings pack many records into one message, grouped by the partition of
each record's subscriber, so a device still lives in one partition. Creates the topic when missing.

Options:
  --from FILE|-              NDJSON input (- for stdin)
  --topic T                  target topic
  --partitions N             partitions when the topic is created (default 3)
  --brokers B                host:port[,…] (default $CITYPULSE_BROKERS or 127.0.0.1:9092)
  --encoding E               ndjson: one line per message (default)
                             json-array: records packed into JSON arrays
                             arrow: records packed into Apache Arrow IPC record batches, header
                               content-type: application/vnd.apache.arrow.stream
                             (a record a batch cannot carry faithfully goes alone, as JSON)
  --records-per-message N    records per message for json-array/arrow (default 1000; messages stay
                             under ~900 KB, below Kafka's default 1 MiB limit)
  --batch N                  messages per produce request (default 2000; requests stay under ~900 KB)
  -h, --help                 this help
`;

export const publishCommand: Command = {
  name: 'publish',
  summary: 'NDJSON file → Kafka topic, keyed by subscriber',
  help: HELP,
  async run(argv, ctx) {
    const args = parseCommandArgs(
      argv,
      {
        from: { type: 'string' },
        topic: { type: 'string' },
        partitions: { type: 'string', default: '3' },
        brokers: { type: 'string' },
        batch: { type: 'string', default: '2000' },
        encoding: { type: 'string', default: 'ndjson' },
        'records-per-message': { type: 'string' },
      },
      HELP,
      ctx,
    );
    if (!args) return 0;
    const v = args.values;
    const from = required(v, 'from');
    const topic = required(v, 'topic');
    const partitions = Number(v.partitions);
    const batchSize = Number(v.batch);
    if (!Number.isInteger(partitions) || partitions < 1) throw new UsageError('--partitions must be a positive integer');
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new UsageError('--batch must be a positive integer');
    const encoding = String(v.encoding) as PublishEncoding;
    if (!PUBLISH_ENCODINGS.includes(encoding)) throw new UsageError(`--encoding must be one of ${PUBLISH_ENCODINGS.join(', ')}, got "${v.encoding}"`);
    const perMessage = v['records-per-message'] === undefined ? undefined : Number(v['records-per-message']);
    if (perMessage !== undefined && (!Number.isInteger(perMessage) || perMessage < 1)) throw new UsageError('--records-per-message must be a positive integer');
    if (encoding === 'ndjson' && perMessage !== undefined && perMessage !== 1) throw new UsageError('--records-per-message needs --encoding json-array or arrow (ndjson sends one line per message)');
    const brokers = brokersArg(v.brokers, ctx.env);
    const progress = new Progress({ stream: ctx.stderr, label: 'publish', total: from === '-' ? undefined : statSync(from).size, unit: 'bytes' });
    const { published, records } = await publishFile({
      brokers,
      topic,
      partitions,
      batchSize,
      encoding,
      ...(perMessage !== undefined ? { recordsPerMessage: perMessage } : {}),
      stream: from === '-' ? ctx.stdin : createReadStream(from, { highWaterMark: 1 << 20 }),
      onProgress: (bytes, n) => progress.update(bytes, `${formatCount(n)} messages`),
      signal: ctx.signal,
    });
    progress.finish(`${formatCount(published)} messages`);
    ctx.stdout.write(`published ${published.toLocaleString('en-US')} messages (${records.toLocaleString('en-US')} records, ${encoding}) to ${topic}\n`);
    return 0;
  },
};
