package citypulse.peer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.uber.h3core.H3Core;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Decodes one message (a JSON record or an array of them), locates each record on H3 (signalling:
 * cell table version valid at ts; fix: lat/lon) and forwards it with its event time as the record
 * timestamp, keeping the message key (the subscriber), so no repartition happens before the windowed
 * aggregate. A record from the control topic is the end-of-input tick: forwarded with a far-future
 * timestamp (it closes every window) and a commit is requested.
 */
final class LocateProcessor implements FixedKeyProcessor<String, byte[], LongPair> {
  /**
   * Event time of the tick: the wall clock at start, past every window of a replayed input (the
   * broker refuses records more than an hour in the future, changelogs included).
   */
  static final long TICK_TS = System.currentTimeMillis();

  private final ObjectMapper json = new ObjectMapper();
  private final CellTable cells;
  private final H3Core h3;
  private final int resolution;
  private final String controlTopic;
  private final Progress progress;
  private FixedKeyProcessorContext<String, LongPair> context;

  /** Shared counters between the stream thread and the main thread. */
  static final class Progress {
    final AtomicLongArray lastOffset;
    final AtomicLong firstNanos = new AtomicLong(0);
    final AtomicLong records = new AtomicLong(0);
    final AtomicLong invalid = new AtomicLong(0);

    Progress(int partitions) {
      lastOffset = new AtomicLongArray(partitions);
      for (int i = 0; i < partitions; i++) lastOffset.set(i, -1);
    }
  }

  LocateProcessor(CellTable cells, H3Core h3, int resolution, String controlTopic, Progress progress) {
    this.cells = cells;
    this.h3 = h3;
    this.resolution = resolution;
    this.controlTopic = controlTopic;
    this.progress = progress;
  }

  @Override
  public void init(FixedKeyProcessorContext<String, LongPair> context) {
    this.context = context;
  }

  @Override
  public void process(FixedKeyRecord<String, byte[]> record) {
    RecordMetadata meta = context.recordMetadata().orElseThrow();
    if (meta.topic().equals(controlTopic)) {
      context.forward(record.withValue(new LongPair(TICK_TS, -1)).withTimestamp(TICK_TS));
      context.commit();
      return;
    }
    progress.firstNanos.compareAndSet(0, System.nanoTime());
    try {
      JsonNode v = json.readTree(record.value());
      if (v.isArray()) for (JsonNode r : v) one(record, r);
      else one(record, v);
    } catch (IOException | RuntimeException e) {
      progress.invalid.incrementAndGet();
    }
    progress.lastOffset.set(meta.partition(), meta.offset());
  }

  private void one(FixedKeyRecord<String, byte[]> record, JsonNode r) {
    progress.records.incrementAndGet();
    JsonNode tsNode = r.get("ts");
    if (tsNode == null) {
      progress.invalid.incrementAndGet();
      return;
    }
    long ts = tsNode.isNumber() ? tsNode.asLong() : CellTable.time(tsNode.asText(), Long.MIN_VALUE);
    long cell;
    JsonNode c = r.get("cell");
    if (c != null) cell = cells.locate(c.asText(), ts);
    else if (r.has("lat") && r.has("lon")) cell = h3.latLngToCell(r.get("lat").asDouble(), r.get("lon").asDouble(), resolution);
    else cell = -1;
    if (cell < 0) {
      progress.invalid.incrementAndGet();
      return;
    }
    context.forward(record.withValue(new LongPair(ts, cell)).withTimestamp(ts));
  }
}
