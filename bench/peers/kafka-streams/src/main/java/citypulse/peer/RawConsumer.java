package citypulse.peer;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The Java client's ceiling: a plain KafkaConsumer (kafka-clients) in a consumer group reading the
 * topic from the beginning and counting messages (touching each value's length), no decoding. Timed
 * from the first non-empty poll to the last message counted (group join excluded). Prints
 * `@@peer {json}` like {@link PresencePeer}.
 */
public final class RawConsumer {
  private RawConsumer() {}

  public static void main(String[] argv) {
    java.util.Map<String, String> a = PresencePeer.args(argv);
    String brokers = PresencePeer.need(a, "brokers"), topic = PresencePeer.need(a, "topic"), group = PresencePeer.need(a, "group");
    long messages = Long.parseLong(PresencePeer.need(a, "messages"));
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 << 20);
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    long count = 0, bytes = 0, first = 0, last = 0;
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      c.subscribe(List.of(topic));
      long deadline = System.currentTimeMillis() + 30 * 60_000;
      while (count < messages) {
        ConsumerRecords<byte[], byte[]> rs = c.poll(Duration.ofMillis(100));
        if (!rs.isEmpty() && first == 0) first = System.nanoTime();
        for (ConsumerRecord<byte[], byte[]> r : rs) bytes += r.value() == null ? 0 : r.value().length;
        count += rs.count();
        if (System.currentTimeMillis() > deadline) throw new IllegalStateException("timed out at " + count + " of " + messages + " messages");
      }
      last = System.nanoTime();
    }
    double cpu = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
    System.out.printf("@@peer {\"seconds\":%.4f,\"events\":%d,\"messages\":%d,\"bytes\":%d,\"peakRssKiB\":%d,\"cpuSeconds\":%.3f}%n",
        (last - first) / 1e9, count, count, bytes, PresencePeer.vmHwmKiB(), cpu);
    System.out.flush();
    System.exit(0);
  }
}
