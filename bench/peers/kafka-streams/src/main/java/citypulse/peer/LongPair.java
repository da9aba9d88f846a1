package citypulse.peer;

import java.nio.ByteBuffer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/** Two longs (events, active of a window and cell; or ts, h3 of an event) and their 16-byte serde. */
record LongPair(long a, long b) {
  static Serde<LongPair> serde() {
    Serializer<LongPair> ser = (topic, p) -> p == null ? null : ByteBuffer.allocate(16).putLong(p.a()).putLong(p.b()).array();
    Deserializer<LongPair> de = (topic, bytes) -> {
      if (bytes == null) return null;
      ByteBuffer b = ByteBuffer.wrap(bytes);
      return new LongPair(b.getLong(), b.getLong());
    };
    return Serdes.serdeFrom(ser, de);
  }
}
