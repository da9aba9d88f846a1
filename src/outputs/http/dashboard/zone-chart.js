// The per-zone time series of the side panel (part of the dashboard's inline module, before
// dashboard.js; it uses that file's state and helpers at call time): a click on a zone, on the map or
// in the busiest-zones list, draws its people window by window from /api/v1/zones/:system/:zone/series.
/** The per-zone chart: people in the zone window by window, the selected window marked. */
async function selectZone(zoneId) {
  const map = state.map;
  if (map && state.selectedZone !== null) map.setFeatureState({ source: 'zones', id: state.selectedZone }, { selected: false });
  state.selectedZone = zoneId;
  if (map && zoneId !== null) map.setFeatureState({ source: 'zones', id: zoneId }, { selected: true });
  const box = $('zone-box');
  if (zoneId === null) { box.hidden = true; return; }
  const f = state.outlines && state.outlines.features.find((x) => x.properties.zone_id === zoneId);
  $('zone-title').textContent = f ? `Zone: ${f.properties.zone_name}` : `Zone ${zoneId}`;
  box.hidden = false;
  let answer;
  try {
    answer = await cached(`series|${state.zoneSystem}|${zoneId}`, `api/v1/zones/${encodeURIComponent(state.zoneSystem)}/${encodeURIComponent(zoneId)}/series`);
  } catch (err) {
    $('zone-note').textContent = `Could not load the zone's series: ${err.message}`;
    return;
  }
  if (state.selectedZone !== zoneId) return;
  state.zoneSeries = answer.rows.map((r) => ({ t: Date.parse(r.window_start), v: r.present }));
  drawZoneChart();
}

function drawZoneChart() {
  const svg = $('zone-chart');
  const pts = state.zoneSeries || [];
  const NS = 'http://www.w3.org/2000/svg';
  const W = 300, H = 110, L = 34, B = 16, T = 6;
  svg.replaceChildren();
  if (pts.length === 0) return;
  const t0 = pts[0].t, t1 = pts[pts.length - 1].t || t0 + 1;
  const vmax = Math.max(state.k, ...pts.map((p) => p.v || 0));
  const x = (t) => L + ((W - L - 4) * (t - t0)) / Math.max(1, t1 - t0);
  const y = (v) => H - B - ((H - B - T) * v) / vmax;
  const mk = (tag, attrs, text) => {
    const e = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    svg.append(e);
    return e;
  };
  mk('line', { class: 'axis', x1: L, x2: W - 4, y1: H - B, y2: H - B });
  mk('text', { x: L - 4, y: y(vmax) + 3, 'text-anchor': 'end' }, fmtInt(vmax));
  mk('text', { x: L - 4, y: H - B, 'text-anchor': 'end' }, '0');
  mk('text', { x: L, y: H - 3 }, timeFmt.format(new Date(t0)));
  mk('text', { x: W - 4, y: H - 3, 'text-anchor': 'end' }, timeFmt.format(new Date(t1)));
  // Windows below k are gaps, not zeros.
  let d = '', pen = false;
  for (const p of pts) {
    if (p.v === null) { pen = false; continue; }
    d += `${pen ? 'L' : 'M'}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`;
    pen = true;
  }
  mk('path', { class: 'line', d });
  const w = state.windows[state.index];
  if (w && w.start >= t0 && w.start <= t1) mk('line', { class: 'now', x1: x(w.start), x2: x(w.start), y1: T, y2: H - B });
  const known = pts.filter((p) => p.v !== null).length;
  $('zone-note').textContent = `${known} of ${pts.length} windows reach k = ${state.k} (gaps: fewer than k people, not shown).`;
  svg.dataset.points = String(known);
}

