// The citypulse dashboard: draws the API's k-anonymised hexagons as SVG paths (no map library, no
// tiles, nothing fetched but this server's /api/v1). Plain browser JavaScript, no build step.
'use strict';
(() => {
  const $ = (id) => document.getElementById(id);
  const SVG = 'http://www.w3.org/2000/svg';
  const RESOLUTIONS = [7, 8, 9];
  const PLAY_MS = 700;
  // The same viridis-like ramp as the SVG exports (src/outputs/export/heatmap-svg.ts).
  const STOPS = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];

  const state = {
    res: 8, k: 20, baseRes: 9, windows: [], index: 0, bbox: null, max: 1,
    zoneSystems: [], zoneSystem: '', outlines: null, alerts: [],
    playing: false, seq: 0, cache: new Map(), project: null,
    flows: false, flowCache: new Map(),
  };

  // The flow layer: OD flows (GET /api/v1/od, released with k) departing in the window's hour, between
  // the selected zone system's centroids (or res-7 cells without one), width by trips.
  async function drawFlows(w, seq) {
    const g = $('flows');
    const box = $('flows-box');
    if (!state.flows) { g.replaceChildren(); box.hidden = true; return; }
    const hour = Math.floor(w.start / 3600000) * 3600000;
    const space = state.zoneSystem ? `zones=${encodeURIComponent(state.zoneSystem)}` : 'res=7';
    const key = `${space}|${hour}`;
    if (!state.flowCache.has(key)) {
      if (state.flowCache.size > 100) state.flowCache.delete(state.flowCache.keys().next().value);
      state.flowCache.set(key, api(`api/v1/od?${space}&by=hour&from=${hour}&to=${hour + 3600000}`).catch(() => null));
    }
    const fc = await state.flowCache.get(key);
    if (seq !== state.seq) return;
    const lines = fc ? fc.features.filter((f) => f.geometry.type === 'LineString') : [];
    const top = lines.reduce((m, f) => Math.max(m, f.properties.trips), 1);
    const frag = document.createDocumentFragment();
    for (const f of lines) {
      const [[x1, y1], [x2, y2]] = f.geometry.coordinates.map((c) => state.project(c));
      const l = document.createElementNS(SVG, 'line');
      l.setAttribute('x1', x1.toFixed(1)); l.setAttribute('y1', y1.toFixed(1));
      l.setAttribute('x2', x2.toFixed(1)); l.setAttribute('y2', y2.toFixed(1));
      l.setAttribute('class', 'flow');
      l.setAttribute('stroke-width', (1 + 7 * f.properties.trips / top).toFixed(1));
      l.dataset.trips = String(f.properties.trips);
      l.dataset.od = `${f.properties.origin} → ${f.properties.destination}`;
      frag.append(l);
    }
    g.replaceChildren(frag);
    const items = (fc ? fc.features : []).slice().sort((a, b) => b.properties.trips - a.properties.trips).slice(0, 8).map((f) => {
      const li = document.createElement('li');
      li.textContent = `${f.properties.origin} → ${f.properties.destination}: ${fmtInt(f.properties.trips)}`;
      return li;
    });
    if (items.length === 0) {
      const li = document.createElement('li');
      li.className = 'muted';
      li.textContent = fc ? `No flow reaches k = ${state.k} in this hour.` : 'No trips in this database (ingest with --trajectory on).';
      items.push(li);
    }
    $('flow-list').replaceChildren(...items);
    box.hidden = false;
  }

  async function api(path) {
    const r = await fetch(path, { headers: { accept: 'application/json' } });
    const body = await r.json().catch(() => null);
    if (!r.ok) throw new Error((body && body.detail) || `${r.status} ${r.statusText}`);
    return body;
  }

  function ramp(t) {
    const x = Math.max(0, Math.min(1, t)) * (STOPS.length - 1);
    const i = Math.min(STOPS.length - 2, Math.floor(x));
    const f = x - i;
    const c = STOPS[i].map((v, j) => Math.round(v + (STOPS[i + 1][j] - v) * f));
    return `rgb(${c[0]},${c[1]},${c[2]})`;
  }
  // Square-root scale over [k, max]: shown hexagons start at k, and a few crowded ones must not wash out the rest.
  const colour = (present) => ramp(Math.sqrt((present - state.k) / Math.max(1, state.max - state.k)));

  const fmtInt = (n) => (n === null || n === undefined ? '—' : Math.round(n).toLocaleString('en-GB'));
  const dateFmt = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' });
  const timeFmt = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit' });
  const span = (w) => `${dateFmt.format(new Date(w.start))} – ${timeFmt.format(new Date(w.end))}`;

  function showError(message) {
    const e = $('error');
    e.textContent = message;
    e.hidden = !message;
    if (message) document.body.dataset.state = 'error';
  }

  // Projection: equirectangular scaled by cos(latitude) around the extent, fitted to a 1000-wide viewBox.
  function fit(bbox) {
    const [w, s, e, n] = bbox;
    const kx = Math.cos(((s + n) / 2) * Math.PI / 180);
    const width = 1000;
    const pad = 12;
    const scale = (width - 2 * pad) / Math.max((e - w) * kx, 1e-9);
    const height = Math.round((n - s) * scale + 2 * pad);
    $('map').setAttribute('viewBox', `0 0 ${width} ${height}`);
    state.project = ([lon, lat]) => [pad + (lon - w) * kx * scale, pad + (n - lat) * scale];
  }

  function ringPath(ring) {
    let d = '';
    for (let i = 0; i < ring.length; i++) {
      const [x, y] = state.project(ring[i]);
      d += `${i ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)}`;
    }
    return d + 'Z';
  }
  function polygons(geometry) {
    return geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.type === 'MultiPolygon' ? geometry.coordinates : [];
  }

  function extent() {
    let b = state.bbox ? [...state.bbox] : null;
    for (const f of (state.outlines && state.outlines.features) || []) {
      for (const poly of polygons(f.geometry)) for (const [lon, lat] of poly[0]) {
        b = b ? [Math.min(b[0], lon), Math.min(b[1], lat), Math.max(b[2], lon), Math.max(b[3], lat)] : [lon, lat, lon, lat];
      }
    }
    return b || [0, 0, 1, 1];
  }

  function drawOutlines() {
    const g = $('outlines');
    const labels = $('zone-labels');
    g.replaceChildren();
    labels.replaceChildren();
    if (!state.outlines) return;
    const frag = document.createDocumentFragment();
    for (const f of state.outlines.features) {
      const p = document.createElementNS(SVG, 'path');
      p.setAttribute('d', polygons(f.geometry).map((poly) => poly.map(ringPath).join('')).join(''));
      p.dataset.zone = f.properties.zone_name;
      frag.append(p);
    }
    g.append(frag);
  }

  function drawHexes(fc) {
    const frag = document.createDocumentFragment();
    for (const f of fc.features) {
      const p = document.createElementNS(SVG, 'path');
      p.setAttribute('class', 'hex');
      p.setAttribute('d', polygons(f.geometry).map((poly) => poly.map(ringPath).join('')).join(''));
      p.setAttribute('fill', colour(f.properties.present));
      p.dataset.h3 = f.properties.h3;
      p.dataset.present = String(f.properties.present);
      frag.append(p);
    }
    $('hexes').replaceChildren(frag);
  }

  function drawLegend() {
    const stops = Array.from({ length: 11 }, (_, i) => ramp(i / 10));
    $('legend-bar').style.background = `linear-gradient(to right, ${stops.join(', ')})`;
    const ticks = [0, 0.25, 0.5, 0.75, 1].map((t) => Math.round(state.k + t * t * (state.max - state.k)));
    const box = $('legend-ticks');
    box.replaceChildren(...ticks.map((v, i) => {
      const s = document.createElement('span');
      s.style.left = `${i * 25}%`;
      s.textContent = fmtInt(v);
      return s;
    }));
    $('legend-title').textContent = `people per hexagon · H3 res ${state.res}`;
    $('legend-note').textContent = `hexagons with fewer than ${state.k} people are not shown (k-anonymity)`;
  }

  function drawTotals(w, fc) {
    const rows = [
      ['window', `${timeFmt.format(new Date(w.start))}–${timeFmt.format(new Date(w.end))}`],
      ['people shown', fmtInt(w.devices)],
      ['hexagons shown', fmtInt(fc.features.length)],
      ['busiest hexagon', fmtInt(w.max_present)],
      [`hexagons < k hidden`, fmtInt(w.suppressed_hexagons)],
    ];
    $('totals').replaceChildren(...rows.flatMap(([k, v]) => {
      const dt = document.createElement('dt');
      dt.textContent = k;
      const dd = document.createElement('dd');
      dd.textContent = v;
      return [dt, dd];
    }));
    $('k-note').textContent =
      `Hexagons with fewer than k = ${state.k} people are never sent to this page (k-anonymity): ` +
      `${fmtInt(w.suppressed_hexagons)} hexagon${w.suppressed_hexagons === 1 ? ' is' : 's are'} hidden in this window and their people are not in the totals. ` +
      'People are mobile devices present (each counted once, where it stayed longest in the window).';
  }

  function drawAlerts(w) {
    const list = $('alerts');
    const upTo = state.alerts.filter((a) => Date.parse(a.window_start) <= w.start).slice(0, 12);
    if (upTo.length === 0) {
      const li = document.createElement('li');
      li.className = 'muted';
      li.textContent = state.alerts.length ? 'No crowd alerts up to this window.' : 'No crowd alerts in this database.';
      list.replaceChildren(li);
      return;
    }
    list.replaceChildren(...upTo.map((a) => {
      const li = document.createElement('li');
      if (Date.parse(a.window_start) === w.start) li.className = 'current';
      const lvl = document.createElement('span');
      lvl.className = `lvl ${a.level}`;
      lvl.textContent = a.level;
      const what = document.createElement('b');
      what.textContent = `${a.area_name} `;
      const detail = document.createElement('span');
      detail.textContent = `${a.kind} ${a.state}` + (a.below_k ? ' (counts below k)' : ` · ${fmtInt(a.people)}/${fmtInt(a.capacity)} people`);
      const t = document.createElement('div');
      t.className = 't';
      t.textContent = span({ start: Date.parse(a.window_start), end: Date.parse(a.window_end) });
      li.append(lvl, what, detail, t);
      return li;
    }));
  }

  async function drawDistricts(w, seq) {
    const box = $('districts-box');
    if (!state.zoneSystem) { box.hidden = true; return; }
    const q = `api/v1/zones/${encodeURIComponent(state.zoneSystem)}/totals?from=${w.start}&to=${w.end}`;
    let answer;
    try { answer = await api(q); } catch { box.hidden = true; return; }
    if (seq !== state.seq) return;
    const rows = answer.rows.filter((r) => r.peak_present !== null).sort((a, b) => b.peak_present - a.peak_present).slice(0, 8);
    const top = rows.length ? rows[0].peak_present : 1;
    const items = rows.map((r) => {
      const li = document.createElement('li');
      const name = document.createElement('span');
      name.textContent = r.zone_name;
      const n = document.createElement('span');
      n.className = 'n';
      n.textContent = fmtInt(r.peak_present);
      const bar = document.createElement('span');
      bar.className = 'bar';
      bar.style.width = `${(100 * r.peak_present) / top}%`;
      li.append(name, n, bar);
      return li;
    });
    if (items.length === 0) {
      const li = document.createElement('li');
      li.className = 'muted';
      li.textContent = `No district reaches k = ${state.k} in this window.`;
      items.push(li);
    }
    $('districts').replaceChildren(...items);
    box.hidden = false;
  }

  async function heatmap(res, w) {
    const key = `${res}|${w.start}`;
    if (!state.cache.has(key)) {
      if (state.cache.size > 300) state.cache.delete(state.cache.keys().next().value);
      state.cache.set(key, api(`api/v1/heatmap?res=${res}&window=${encodeURIComponent(new Date(w.start).toISOString())}`));
    }
    try {
      return await state.cache.get(key);
    } catch (err) {
      state.cache.delete(key);
      throw err;
    }
  }

  async function render() {
    const seq = ++state.seq;
    const w = state.windows[state.index];
    if (!w) {
      $('when').textContent = 'no closed windows yet';
      $('hexes').replaceChildren();
      document.body.dataset.state = 'ready';
      return;
    }
    document.body.dataset.state = 'loading';
    $('when').textContent = span(w);
    $('window-slider').value = String(state.index);
    const fc = await heatmap(state.res, w);
    if (seq !== state.seq) return;
    drawHexes(fc);
    drawTotals(w, fc);
    drawAlerts(w);
    const map = $('map');
    map.dataset.window = new Date(w.start).toISOString();
    map.dataset.res = String(state.res);
    map.dataset.features = String(fc.features.length);
    const url = new URL(location.href);
    url.hash = `window=${map.dataset.window}&res=${state.res}${state.zoneSystem ? `&zones=${encodeURIComponent(state.zoneSystem)}` : ''}${state.flows ? '&flows=1' : ''}`;
    history.replaceState(null, '', url);
    showError('');
    document.body.dataset.state = 'ready';
    void drawDistricts(w, seq);
    void drawFlows(w, seq);
  }

  function safeRender() {
    return render().catch((err) => showError(`Could not load the heatmap: ${err.message}`));
  }

  async function loadWindows() {
    const keep = state.windows[state.index] && state.windows[state.index].start;
    const list = await api(`api/v1/windows?res=${state.res}`);
    state.k = list.k;
    state.baseRes = list.base_res;
    state.windows = list.windows.map((w) => ({ ...w, start: Date.parse(w.start), end: Date.parse(w.end) }));
    state.bbox = list.bbox;
    state.max = Math.max(state.k, ...state.windows.map((w) => w.max_present));
    const slider = $('window-slider');
    slider.max = String(Math.max(0, state.windows.length - 1));
    const found = keep === undefined ? -1 : state.windows.findIndex((w) => w.start === keep);
    // Opens on the latest window, or — when that one has no hexagon reaching k (a quiet night, the
    // partial windows at the end of a run) — on the latest one that has something to show.
    let latest = state.windows.length - 1;
    while (latest > 0 && state.windows[latest].hexagons === 0) latest--;
    state.index = found >= 0 ? found : latest;
    fit(extent());
    drawOutlines();
    drawLegend();
  }

  async function selectZoneSystem(name) {
    state.zoneSystem = name;
    state.outlines = name ? await api(`api/v1/zones/${encodeURIComponent(name)}`) : null;
    const info = state.zoneSystems.find((z) => z.name === name);
    // The attribution line only when the zones it is about are on screen.
    $('attribution').textContent = info && info.attribution ? info.attribution : '';
    fit(extent());
    drawOutlines();
  }

  function step(delta) {
    if (state.windows.length === 0) return Promise.resolve();
    state.index = (state.index + delta + state.windows.length) % state.windows.length;
    return safeRender();
  }

  async function play() {
    state.playing = !state.playing;
    $('play').textContent = state.playing ? '❚❚' : '▶';
    $('play').setAttribute('aria-label', state.playing ? 'pause' : 'play');
    while (state.playing) {
      const started = performance.now();
      await step(1);
      await new Promise((r) => setTimeout(r, Math.max(0, PLAY_MS - (performance.now() - started))));
    }
  }

  function tooltip(ev) {
    const tip = $('tooltip');
    const hex = ev.target.closest && ev.target.closest('path.hex');
    if (!hex) { tip.hidden = true; return; }
    tip.textContent = `${hex.dataset.h3} · ${fmtInt(Number(hex.dataset.present))} people`;
    const box = $('map-box').getBoundingClientRect();
    tip.style.left = `${ev.clientX - box.left + 12}px`;
    tip.style.top = `${ev.clientY - box.top + 12}px`;
    tip.hidden = false;
  }

  async function start() {
    const hash = new URLSearchParams(location.hash.slice(1));
    const [zones, alerts] = await Promise.all([api('api/v1/zones'), api('api/v1/alerts?limit=500')]);
    state.alerts = alerts.alerts;
    state.zoneSystems = zones.zone_systems;
    const wantedRes = Number(hash.get('res'));
    if (RESOLUTIONS.includes(wantedRes)) state.res = wantedRes;
    await loadWindows();
    const resSelect = $('res');
    resSelect.replaceChildren(...RESOLUTIONS.filter((r) => state.baseRes === null || r <= state.baseRes).map((r) => new Option(String(r), String(r), false, r === state.res)));
    if (state.zoneSystems.length) {
      const select = $('zone-system');
      select.replaceChildren(new Option('none', ''), ...state.zoneSystems.map((z) => new Option(z.name, z.name)));
      const wanted = hash.get('zones');
      const preferred = state.zoneSystems.find((z) => z.name === wanted) || state.zoneSystems.find((z) => z.attribution) || state.zoneSystems[0];
      select.value = preferred.name;
      $('zone-label').hidden = false;
      await selectZoneSystem(preferred.name);
    }
    const at = Date.parse(hash.get('window') || '');
    const i = state.windows.findIndex((w) => w.start === at);
    if (i >= 0) state.index = i;
    $('window-slider').addEventListener('input', (e) => { state.index = Number(e.target.value); void safeRender(); });
    $('prev').addEventListener('click', () => void step(-1));
    $('next').addEventListener('click', () => void step(1));
    $('play').addEventListener('click', () => void play());
    resSelect.addEventListener('change', async (e) => {
      state.res = Number(e.target.value);
      try { await loadWindows(); await render(); } catch (err) { showError(err.message); }
    });
    $('zone-system').addEventListener('change', async (e) => {
      try { await selectZoneSystem(e.target.value); await render(); } catch (err) { showError(err.message); }
    });
    state.flows = hash.get('flows') === '1';
    $('flows-toggle').checked = state.flows;
    $('flows-toggle').addEventListener('change', (e) => { state.flows = e.target.checked; void safeRender(); });
    $('map').addEventListener('mousemove', tooltip);
    $('map').addEventListener('mouseleave', () => { $('tooltip').hidden = true; });
    await render();
  }

  start().catch((err) => showError(`Could not start the dashboard: ${err.message}`));
})();
