package citypulse.peer;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * One device's events in one window, per H3 cell: the value of the windowed aggregate (RocksDB
 * window store). The device's `active` contribution is one per cell it has; `events` the counts.
 */
final class DeviceCells {
  long[] cells = new long[2];
  int[] counts = new int[2];
  int size;

  /** Adds one event located in `h3` (a tick, h3 = -1, adds nothing). */
  DeviceCells add(long h3) {
    if (h3 < 0) return this;
    for (int i = 0; i < size; i++) {
      if (cells[i] == h3) {
        counts[i]++;
        return this;
      }
    }
    if (size == cells.length) {
      cells = Arrays.copyOf(cells, size * 2);
      counts = Arrays.copyOf(counts, size * 2);
    }
    cells[size] = h3;
    counts[size++] = 1;
    return this;
  }

  /** Serde: size × (8-byte cell, 4-byte count). */
  static Serde<DeviceCells> serde() {
    Serializer<DeviceCells> ser = (topic, d) -> {
      if (d == null) return null;
      ByteBuffer b = ByteBuffer.allocate(d.size * 12);
      for (int i = 0; i < d.size; i++) b.putLong(d.cells[i]).putInt(d.counts[i]);
      return b.array();
    };
    Deserializer<DeviceCells> de = (topic, bytes) -> {
      if (bytes == null) return null;
      ByteBuffer b = ByteBuffer.wrap(bytes);
      DeviceCells d = new DeviceCells();
      int n = bytes.length / 12;
      d.cells = new long[Math.max(2, n)];
      d.counts = new int[Math.max(2, n)];
      for (int i = 0; i < n; i++) {
        d.cells[i] = b.getLong();
        d.counts[i] = b.getInt();
      }
      d.size = n;
      return d;
    };
    return Serdes.serdeFrom(ser, de);
  }
}
