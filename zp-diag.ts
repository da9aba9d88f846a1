import { openDatabase } from './src/outputs/duckdb/open.ts';
import { readZoneLocator } from './src/outputs/duckdb/read-zone-locator.ts';
const db = await openDatabase(process.argv[2]!, { readOnly: true });
const loc = (await readZoneLocator(db.connection, 'accuracy'))!;
const cells = new Map((await db.connection.runAndReadAll(`SELECT h3, zone_id FROM zone_cells`)).getRowsJS().map(([h, z]) => [String(h), String(z)]));
const rows = (await db.connection.runAndReadAll(`SELECT lat, lng, h3_latlng_to_cell(lat, lng, 9) FROM (SELECT origin_lat lat, origin_lng lng FROM trips UNION ALL SELECT destination_lat, destination_lng FROM trips)`)).getRowsJS();
let diff = 0, pipNull = 0, cellNull = 0; const pts = new Map<string, number>(); const zs = new Map<string, number>();
for (const [lat, lng, c] of rows) {
  const a = loc(Number(lat), Number(lng)), b = cells.get(String(c)) ?? null;
  if (a === null) pipNull++; if (b === null) cellNull++;
  if (a !== b) { diff++; const k = `${Number(lat).toFixed(5)},${Number(lng).toFixed(5)}`; pts.set(k, (pts.get(k) ?? 0) + 1); const kz = `${a}|${b}`; zs.set(kz, (zs.get(kz) ?? 0) + 1); }
}
console.log({ ends: rows.length, diff, pipNull, cellNull, distinctDiffPoints: pts.size });
console.log([...pts].sort((x, y) => y[1] - x[1]).slice(0, 10));
console.log([...zs].sort((x, y) => y[1] - x[1]).slice(0, 10));
db.close();
