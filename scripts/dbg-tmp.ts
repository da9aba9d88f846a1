import { readFileSync } from 'node:fs';
import { ACCURACY_PSEUDONYMISER } from './accuracy/simulated-city.ts';
const target = process.argv[2]!;
const lines = readFileSync('/tmp/acc/demo/od/still/events.ndjson', 'utf8').split('\n');
const out: string[] = [];
for (const l of lines) {
  if (!l) continue;
  const v = JSON.parse(l);
  for (const r of Array.isArray(v) ? v : [v]) {
    if (ACCURACY_PSEUDONYMISER.pseudonym(r.imsi) !== target) continue;
    const ts = typeof r.ts === 'number' ? r.ts : Date.parse(r.ts);
    out.push(`${new Date(ts).toISOString().slice(11, 19)} ${r.event ?? 'fix'} ${r.cell ?? r.lat + ',' + r.lon}`);
  }
}
console.log(out.sort().filter((x) => x >= '06:30' && x < '09:30').join('\n'));
