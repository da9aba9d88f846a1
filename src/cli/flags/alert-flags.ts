import { Kafka, logLevel } from 'kafkajs';
import { UsageError, logOf, type CommandContext } from '../command.ts';
import { alertLoggerOf } from '../log/create-cli-logger.ts';
import { brokersArg } from '../../core/brokers.ts';
import { parseDuration } from '../../core/duration.ts';
import type { AlertLogger } from '../../alerts/alert-log.ts';
import { readAreasFile } from '../../alerts/areas/read-areas-file.ts';
import { createAlerting, type AlertingPlugin } from '../../alerts/plugin/create-alerting.ts';
import type { AlertLedger } from '../../alerts/plugin/alerting-config.ts';
import type { AlertSource } from '../../alerts/plugin/alert-source.ts';
import { slowdownAlertSource } from '../../alerts/sources/slowdown-alert-source.ts';
import { visitorOriginAlertSource, type VisitorAlertRule } from '../../alerts/sources/visitor-origin-alert-source.ts';
import { readCorridorsFile } from '../../traffic/export/read-corridors-file.ts';

/** The parseArgs options that turn on crowd alerts in `ingest` and `stream`. */
export const ALERT_FLAGS = {
  areas: { type: 'string' },
  'alerts-out': { type: 'string' },
  webhook: { type: 'string', multiple: true },
  'alerts-topic': { type: 'string' },
  'people-per-device': { type: 'string' },
  'forecast-horizon': { type: 'string' },
  'slowdown-alerts': { type: 'string' },
  'visitor-alert': { type: 'string', multiple: true },
} as const;

/** Help text for {@link ALERT_FLAGS}, in the column layout of PIPELINE_FLAGS_HELP. */
export const ALERT_FLAGS_HELP = `Crowd alerts (docs/alerts.md):
  --areas FILE             watched areas: GeoJSON polygons with properties id, name, capacity
                           [, levels, scale, density_limit]. Turns alerts on; they are stored in
                           the DuckDB table alerts. Also counts each area's visitors by origin per
                           window into area_visitors (docs/population.md)
  --alerts-out FILE        also append each alert to FILE as NDJSON
  --webhook URL            also POST each alert as JSON to URL (repeatable; retried with backoff)
  --alerts-topic T         also publish alerts to Kafka topic T (duty rooms read crowd-alerts with
                           citypulse alerts tail), keyed by area id
  --people-per-device X    people per present device, e.g. 2.5 or 1/0.4 for a 40 % market share
                           (default 1; an area's scale overrides it)
  --forecast-horizon DUR   warn when the trend crosses a capacity level within DUR, with a unit:
                           90s, 30m, 1h (default 30m)
  --slowdown-alerts FILE   also raise traffic slowdown alerts (kind slowdown) on the corridors
                           declared in FILE (JSON/GeoJSON, format of export traffic --corridors),
                           bin by bin, 50 min of event time after each 5-minute bin; same outputs.
                           Works without --areas
  --visitor-alert ORIGIN:LEVEL
                           also alert (kind visitors_origin) when the visitors from ORIGIN (home
                           zone, ISO country, unknown; * = each origin) in a watched area reach
                           LEVEL devices in a window (critical at 2x, resolves below 0.8x; counts
                           read k-safe, k=20). Repeatable; needs --areas`;

/** Options of {@link alertingFromFlags} that depend on the command. */
export interface AlertingFromFlagsOptions {
  /** Base H3 resolution of the pipeline. Default: the `res` flag, else 9. */
  resolution?: number;
  /** Kafka brokers for `--alerts-topic`. Default: the `brokers` flag, $CITYPULSE_BROKERS, 127.0.0.1:9092. */
  brokers?: string[];
  /** Topic used without `--alerts-topic` (e.g. DEFAULT_ALERT_TOPIC under `stream`). Default none: no Kafka. */
  defaultTopic?: string;
  /** Print each alert and delivery problem on stderr. Default true. */
  log?: boolean;
  /** Record stored alerts in this ledger (src/audit). Default none. */
  ledger?: AlertLedger;
}

/**
 * Builds the alerting plugin from {@link ALERT_FLAGS}, or returns null without `--areas` and
 * `--slowdown-alerts`.
 * Flag errors are UsageErrors naming the flag; a bad areas file is an AreaError naming the feature.
 *
 * @example
 * const alerting = await alertingFromFlags(v, ctx, { resolution: wc.resolution });
 * await runIngest({ ..., plugins: alerting ? [alerting] : [] });
 */
export async function alertingFromFlags(
  values: Record<string, unknown>,
  ctx: Pick<CommandContext, 'env' | 'stderr' | 'log'>,
  options: AlertingFromFlagsOptions = {},
): Promise<AlertingPlugin | null> {
  const areasPath = values.areas as string | undefined;
  const corridorsPath = values['slowdown-alerts'] as string | undefined;
  if (!areasPath) {
    if (values['visitor-alert'] !== undefined) throw new UsageError('--visitor-alert needs --areas FILE');
    if (corridorsPath === undefined) {
      for (const f of Object.keys(ALERT_FLAGS)) if (f !== 'areas' && values[f] !== undefined) throw new UsageError(`--${f} needs --areas FILE (or --slowdown-alerts FILE)`);
      return null;
    }
    for (const f of ['people-per-device', 'forecast-horizon']) if (values[f] !== undefined) throw new UsageError(`--${f} needs --areas FILE`);
  }
  const resolution = options.resolution ?? Number(values.res ?? 9);
  if (!Number.isInteger(resolution) || resolution < 0 || resolution > 15) throw new UsageError(`--res must be an integer 0–15, got ${String(values.res)}`);
  const peoplePerDevice = values['people-per-device'] === undefined ? undefined : parsePeoplePerDevice(String(values['people-per-device']));
  let horizonMs: number | undefined;
  if (values['forecast-horizon'] !== undefined) {
    horizonMs = parseDuration(String(values['forecast-horizon']), '--forecast-horizon');
    if (horizonMs <= 0) throw new UsageError('--forecast-horizon must be > 0');
  }
  const webhooks = (values.webhook as string[] | undefined) ?? [];
  for (const u of webhooks) if (!/^https?:\/\/./.test(u)) throw new UsageError(`--webhook must be an http(s) URL, got ${u}`);
  const topic = (values['alerts-topic'] as string | undefined) ?? options.defaultTopic;
  const areas = areasPath ? await readAreasFile(areasPath, resolution) : [];
  const rules = ((values['visitor-alert'] as string[] | undefined) ?? []).map(parseVisitorRule);
  const sources: AlertSource[] = [];
  if (corridorsPath !== undefined) sources.push(slowdownAlertSource({ corridors: await readCorridorsFile(corridorsPath, '--slowdown-alerts') }));
  if (rules.length > 0) sources.push(visitorOriginAlertSource({ areas, rules }));
  const logger: AlertLogger | undefined = options.log === false ? undefined : alertLoggerOf(logOf(ctx));
  let kafka: Parameters<typeof createAlerting>[0]['kafka'];
  if (topic) {
    const brokerList = options.brokers ?? brokersArg(values.brokers, ctx.env);
    const client = new Kafka({ clientId: 'citypulse-alerts', brokers: brokerList, logLevel: logLevel.NOTHING });
    kafka = { producer: client.producer({ allowAutoTopicCreation: true }), topic };
  }
  try {
    return createAlerting({
      areas,
      peoplePerDevice,
      forecast: horizonMs === undefined ? undefined : { horizonMs },
      ndjsonPath: values['alerts-out'] as string | undefined,
      webhooks: webhooks.length > 0 ? { urls: webhooks } : undefined,
      kafka,
      logger,
      ledger: options.ledger,
      sources,
      seedFromPresence: areas.length > 0,
    });
  } catch (err) {
    if (err instanceof RangeError) throw new UsageError(err.message);
    throw err;
  }
}

/** "FR:50", "unknown:200", "*:500" → a visitors rule. */
function parseVisitorRule(text: string): VisitorAlertRule {
  const m = /^(.+):(\d+)$/.exec(text.trim());
  if (!m || Number(m[2]) < 1) throw new UsageError(`--visitor-alert must be ORIGIN:LEVEL with an integer LEVEL ≥ 1 (e.g. FR:50, *:500), got ${text}`);
  return { origin: m[1]!, level: Number(m[2]) };
}

/** "2.5" or "1/0.4" → a positive number of people per device. */
function parsePeoplePerDevice(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:\/\s*(\d+(?:\.\d+)?))?\s*$/.exec(text);
  const x = m ? Number(m[1]) / (m[2] === undefined ? 1 : Number(m[2])) : NaN;
  if (!Number.isFinite(x) || x <= 0) throw new UsageError(`--people-per-device must be a number > 0 or a ratio like 1/0.4, got ${text}`);
  return x;
}
