package citypulse.peer;

import com.uber.h3core.H3Core;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The Kafka Streams peer of citypulse's `stream`: per 15-minute event-time window (5 min grace) and
 * H3 res-9 cell, `events` and distinct devices (`active`), with RocksDB state, exactly-once v2 and
 * suppression until the window closes.
 *
 * <p>Topology: messages keyed by subscriber → decode + locate (event time as record timestamp, key
 * kept) → windowed aggregate per device (RocksDB window store: the device's event count per cell)
 * → suppress until the window closes → summed per (window, cell) in the application (events, and
 * one device per cell it was active in). The windowed part runs per source partition (no re-keying
 * before it, so stream time is each partition's own, as in citypulse); the per-cell sums come
 * afterwards. (A second Kafka Streams stage for the sums — repartition by (window, cell), then a
 * KTable aggregate — stalled here after ~100 of ~22,700 repartitioned records; not pursued.) A literal groupBy(h3) before the window lets the repartitioned
 * stream's time run ahead and drops ~46 % of the records as late (citypulse issue 15).
 *
 * <p>A finite topic never closes its last windows by itself: once a partition's last record is
 * processed, the main thread writes a tick to the same partition of a control topic read by the
 * same task; it carries the wall clock at start as event time, past every window of a replayed day.
 * The run ends when the sums account for every record. Prints one line `@@peer {json}` (seconds
 * from the first record to that moment, records, rows, peak RSS, CPU seconds) and writes the rows
 * as CSV (window_start,h3,events,active).
 */
public final class PresencePeer {
  private static final String USAGE = """
      Usage: java -cp target/classes:target/lib/* citypulse.peer.PresencePeer --brokers B --topic T \\
               --cells CSV --records N --result CSV [--app-id ID] [--state-dir DIR] [--threads 1]
               [--commit-interval-ms 100] [--timeout-s 1800]
      The Kafka Streams peer of the citypulse benchmark (see the class comment).""";

  private PresencePeer() {}

  public static void main(String[] argv) {
    try {
      run(argv);
    } catch (Throwable e) {
      // Kafka Streams' threads are not daemons: exit explicitly so a failed run never hangs.
      e.printStackTrace();
      System.exit(1);
    }
  }

  static void run(String[] argv) throws Exception {
    Map<String, String> a = args(argv);
    String brokers = need(a, "brokers"), topic = need(a, "topic"), result = need(a, "result");
    Path cellsFile = Path.of(need(a, "cells"));
    long expected = Long.parseLong(need(a, "records"));
    String appId = a.getOrDefault("app-id", "citypulse-peer-" + Long.toHexString(System.nanoTime()));
    Path stateDir = Path.of(a.getOrDefault("state-dir", Files.createTempDirectory("citypulse-peer").toString()));
    long timeoutMs = Long.parseLong(a.getOrDefault("timeout-s", "1800")) * 1000;
    String control = appId + "-control";

    H3Core h3 = H3Core.newInstance();
    CellTable cells = CellTable.load(cellsFile, h3, 9);
    Properties common = new Properties();
    common.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
    int partitions;
    Map<TopicPartition, Long> ends = new HashMap<>();
    try (Admin admin = Admin.create(common)) {
      partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
      Map<TopicPartition, OffsetSpec> req = new HashMap<>();
      for (int p = 0; p < partitions; p++) req.put(new TopicPartition(topic, p), OffsetSpec.latest());
      admin.listOffsets(req).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
      // No retention limit: a replayed day's event times are older than the default 7 days.
      Map<String, String> keep = Map.of("retention.ms", "-1", "retention.bytes", "-1");
      admin.createTopics(List.of(new NewTopic(control, partitions, (short) 1).configs(keep))).all().get();
    }

    LocateProcessor.Progress progress = new LocateProcessor.Progress(partitions);
    ConcurrentHashMap<String, long[]> sums = new ConcurrentHashMap<>();
    AtomicLong summed = new AtomicLong();
    StreamsBuilder b = new StreamsBuilder();
    b.stream(List.of(topic, control), Consumed.with(Serdes.String(), Serdes.ByteArray()))
        .processValues(() -> new LocateProcessor(cells, h3, 9, control, progress))
        .groupByKey(Grouped.with(Serdes.String(), LongPair.serde()))
        .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMinutes(15), Duration.ofMinutes(5)))
        .aggregate(DeviceCells::new, (device, ev, agg) -> agg.add(ev.b()),
            Materialized.<String, DeviceCells, WindowStore<Bytes, byte[]>>as("device-windows").withKeySerde(Serdes.String()).withValueSerde(DeviceCells.serde()))
        .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()).withName("until-window-closes"))
        .toStream()
        .foreach((wk, d) -> {
          // Summing afterwards: each closed (device, window) adds its events and one device per cell.
          for (int i = 0; i < d.size; i++) {
            String key = wk.window().start() + "," + Long.toUnsignedString(d.cells[i]);
            long n = d.counts[i];
            sums.merge(key, new long[] {n, 1}, (x, y) -> new long[] {x[0] + y[0], x[1] + y[1]});
            summed.addAndGet(n);
          }
        });
    Topology topology = b.build();

    Properties sp = new Properties();
    sp.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
    sp.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
    sp.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    sp.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    sp.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.parseInt(a.getOrDefault("threads", "1")));
    if (a.containsKey("commit-interval-ms")) sp.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Long.parseLong(a.get("commit-interval-ms")));
    sp.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    // Never wait for the (empty until the end) control partition before processing the input.
    sp.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
    sp.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG), 4 << 20);

    Properties pp = new Properties();
    pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);

    long doneNanos;
    KafkaStreams streams = new KafkaStreams(topology, sp);
    streams.setUncaughtExceptionHandler(e -> {
      e.printStackTrace();
      return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });
    try (KafkaProducer<byte[], byte[]> ticks = new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer())) {
      streams.start();
      boolean[] ticked = new boolean[partitions];
      long deadline = System.currentTimeMillis() + timeoutMs;
      long lastChange = System.currentTimeMillis(), lastTotal = 0;
      while (true) {
        for (int p = 0; p < partitions; p++) {
          long end = ends.get(new TopicPartition(topic, p));
          if (!ticked[p] && (end == 0 || progress.lastOffset.get(p) >= end - 1)) {
            ticks.send(new ProducerRecord<>(control, p, "tick".getBytes(), "{}".getBytes())).get();
            ticked[p] = true;
            System.err.printf("peer: partition %d read to its end %.1f s after the first record%n", p, (System.nanoTime() - progress.firstNanos.get()) / 1e9);
          }
        }
        long total = summed.get();
        if (total != lastTotal) {
          lastTotal = total;
          lastChange = System.currentTimeMillis();
        }
        if (total >= expected - progress.invalid.get() && all(ticked)) {
          doneNanos = System.nanoTime();
          break;
        }
        if (streams.state() == KafkaStreams.State.ERROR) throw new IllegalStateException("Kafka Streams is in state ERROR");
        if (System.currentTimeMillis() > deadline) throw new IllegalStateException("timed out: output accounts for " + total + " of " + expected + " records");
        if (all(ticked) && System.currentTimeMillis() - lastChange > 30_000) {
          doneNanos = System.nanoTime() - 30_000_000_000L;
          System.err.println("peer: output stopped at " + total + " of " + expected + " records (dropped as late?)");
          break;
        }
        Thread.sleep(5);
      }
    }
    double dropped = metricSum(streams, "dropped-records-total");
    streams.close(new KafkaStreams.CloseOptions().leaveGroup(true).timeout(Duration.ofSeconds(30)));
    streams.cleanUp();
    if (!a.containsKey("keep-topics")) try (Admin admin = Admin.create(common)) {
      List<String> mine = admin.listTopics().names().get().stream().filter(t -> t.startsWith(appId)).toList();
      admin.deleteTopics(mine).all().get(30, TimeUnit.SECONDS);
      admin.deleteConsumerGroups(List.of(appId)).all().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.err.println("peer: cleanup failed: " + e.getMessage());
    }
    writeRows(Path.of(result), sums);
    double seconds = (doneNanos - progress.firstNanos.get()) / 1e9;
    double cpu = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
    System.out.printf("@@peer {\"seconds\":%.4f,\"events\":%d,\"eventsOut\":%d,\"rows\":%d,\"invalid\":%d,\"droppedRecords\":%.0f,\"peakRssKiB\":%d,\"cpuSeconds\":%.3f}%n",
        seconds, progress.records.get(), summed.get(), sums.size(), progress.invalid.get(), dropped, vmHwmKiB(), cpu);
    System.out.flush();
    System.exit(0);
  }

  static boolean all(boolean[] xs) {
    for (boolean x : xs) if (!x) return false;
    return true;
  }

  static long events(String value) {
    return Long.parseLong(value.substring(0, value.indexOf(',')));
  }

  static double metricSum(KafkaStreams streams, String name) {
    double s = 0;
    for (Map.Entry<MetricName, ? extends Metric> e : streams.metrics().entrySet()) {
      if (e.getKey().name().equals(name) && e.getValue().metricValue() instanceof Number n) s += n.doubleValue();
    }
    return s;
  }

  static void writeRows(Path file, Map<String, long[]> rows) throws IOException {
    TreeMap<String, long[]> sorted = new TreeMap<>(rows);
    try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(file))) {
      for (Map.Entry<String, long[]> e : sorted.entrySet()) w.println(e.getKey() + "," + e.getValue()[0] + "," + e.getValue()[1]);
    }
  }

  static long vmHwmKiB() {
    try {
      Matcher m = Pattern.compile("VmHWM:\\s+(\\d+) kB").matcher(Files.readString(Path.of("/proc/self/status")));
      return m.find() ? Long.parseLong(m.group(1)) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  static Map<String, String> args(String[] argv) {
    Map<String, String> a = new HashMap<>();
    for (int i = 0; i < argv.length; i++) {
      if (argv[i].equals("-h") || argv[i].equals("--help")) {
        System.out.println(USAGE);
        System.exit(0);
      }
      if (!argv[i].startsWith("--") || i + 1 >= argv.length) fail("unexpected argument " + argv[i]);
      a.put(argv[i].substring(2), argv[++i]);
    }
    return a;
  }

  static String need(Map<String, String> a, String name) {
    String v = a.get(name);
    if (v == null) fail("--" + name + " is required");
    return v;
  }

  static void fail(String message) {
    System.err.println("PresencePeer: " + message + "\n\n" + USAGE);
    System.exit(2);
  }
}
