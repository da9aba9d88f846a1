import { readFileSync } from 'node:fs';
const rows = readFileSync('/tmp/acc/demo/od/city/trips.csv', 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
const by = new Map<string, string[][]>();
for (const r of rows) { const l = by.get(r[0]!) ?? []; l.push(r); by.set(r[0]!, l); }
let short = 0, total = 0, intra = 0, shortOrigin = 0;
const hist = new Map<string, number>();
for (const l of by.values()) {
  l.sort((a, b) => Date.parse(a[1]!) - Date.parse(b[1]!));
  l.forEach((t, i) => {
    total++;
    if (t[3] === t[4]) intra++;
    const next = l[i + 1];
    const dwell = next ? (Date.parse(next[1]!) - Date.parse(t[2]!)) / 60000 : 999;
    if (dwell < 15) short++;
    const prev = l[i - 1];
    const odwell = prev ? (Date.parse(t[1]!) - Date.parse(prev[2]!)) / 60000 : 999;
    if (odwell < 15) shortOrigin++;
    const b = dwell < 15 ? '<15' : dwell < 30 ? '15-30' : dwell < 60 ? '30-60' : '60+';
    hist.set(b, (hist.get(b) ?? 0) + 1);
  });
}
console.log({ total, intra, short, shortOrigin, hist: [...hist] });
const modes = new Map<string, number>(); for (const r of rows) modes.set(r[5]!, (modes.get(r[5]!) ?? 0) + 1); console.log([...modes]);
const dur = rows.map((r) => (Date.parse(r[2]!) - Date.parse(r[1]!)) / 60000).sort((a, b) => a - b); console.log('dur median', dur[dur.length >> 1], 'p25', dur[dur.length >> 2]);
