package citypulse.peer;

import com.uber.h3core.H3Core;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The operator's cell table (citypulse's cells.csv: cell_id,lat,lon[,…,valid_from,valid_to]) with the
 * H3 cell of each version computed once at load, like citypulse's src/locate/cell-table.ts.
 */
final class CellTable {
  /** One version of a cell: valid over [from, to) with its H3 cell. */
  record Version(long from, long to, long h3) {}

  private final Map<String, Version[]> versions;

  private CellTable(Map<String, Version[]> versions) {
    this.versions = versions;
  }

  /** Loads `file`, placing each version on H3 at `resolution`. */
  static CellTable load(Path file, H3Core h3, int resolution) throws IOException {
    List<String> lines = Files.readAllLines(file);
    if (lines.isEmpty()) throw new IllegalArgumentException("cell table " + file + " is empty");
    List<String> header = List.of(lines.get(0).replace("\uFEFF", "").trim().toLowerCase().split(",", -1));
    int iId = header.indexOf("cell_id"), iLat = header.indexOf("lat"), iLon = header.indexOf("lon");
    int iFrom = header.indexOf("valid_from"), iTo = header.indexOf("valid_to");
    if (iId < 0 || iLat < 0 || iLon < 0) throw new IllegalArgumentException("cell table " + file + ": header needs cell_id, lat, lon");
    Map<String, List<Version>> byId = new HashMap<>();
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) continue;
      String[] f = line.split(",", -1);
      long cell = h3.latLngToCell(Double.parseDouble(f[iLat].trim()), Double.parseDouble(f[iLon].trim()), resolution);
      long from = iFrom >= 0 && iFrom < f.length ? time(f[iFrom], Long.MIN_VALUE) : Long.MIN_VALUE;
      long to = iTo >= 0 && iTo < f.length ? time(f[iTo], Long.MAX_VALUE) : Long.MAX_VALUE;
      byId.computeIfAbsent(f[iId].trim(), k -> new ArrayList<>()).add(new Version(from, to, cell));
    }
    Map<String, Version[]> out = new HashMap<>();
    byId.forEach((id, list) -> out.put(id, list.toArray(new Version[0])));
    return new CellTable(out);
  }

  /** The H3 cell of `cellId`'s version valid at `ts`, or -1 when there is none. */
  long locate(String cellId, long ts) {
    Version[] list = versions.get(cellId);
    if (list == null) return -1;
    for (Version v : list) if (ts >= v.from() && ts < v.to()) return v.h3();
    return -1;
  }

  /** Epoch ms or RFC 3339 text; `open` when blank. */
  static long time(String text, long open) {
    String t = text.trim();
    if (t.isEmpty()) return open;
    if (t.matches("-?\\d+")) return Long.parseLong(t);
    return OffsetDateTime.parse(t).toInstant().toEpochMilli();
  }
}
