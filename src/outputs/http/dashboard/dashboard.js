// The citypulse duty-room dashboard (the last part of one inline module: map-layers.js,
// live-follow.js, zone-chart.js, then this file). Plain browser
// JavaScript, no build step; nothing fetched but this server's /api/v1 and /vendor files.
const $ = (id) => document.getElementById(id);
const RESOLUTIONS = [7, 8, 9];
const PLAY_MS = 900;

/**
 * The map layers the user can switch on and off. A layer named here gets a checkbox; its data is
 * loaded by `load` (for the selected window) and drawn by deckLayers()/the map style.
 * The traffic layer (GET /api/v1/traffic, scope traffic:read) draws the corridors as a deck.gl
 * PathLayer coloured by congestion in the selected window (loadTraffic()).
 */
const LAYERS = [
  { id: 'heatmap', label: 'heatmap', on: true },
  { id: 'zones', label: 'zones', on: true },
  { id: 'areas', label: 'watched areas', on: true },
  { id: 'flows', label: 'OD flows', on: false },
  { id: 'population', label: 'population', on: false },
  { id: 'traffic', label: 'traffic', on: false },
];

const state = {
  res: 8, k: 20, baseRes: 9, windows: [], index: 0, bbox: null,
  zoneSystems: [], zoneSystem: '', outlines: null, alerts: [], areas: null,
  layers: Object.fromEntries(LAYERS.map((l) => [l.id, l.on])),
  live: true, liveVia: 'connecting', playing: false, seq: 0,
  heatmap: null, max: 1, flows: null, population: null, traffic: null, populationMetric: 'residents',
  selectedZone: null, selectedAlert: null, focusArea: null,
  cache: new Map(), map: null, overlay: null, zoom: 12, hover: null,
};

// The API token (citypulse tokens create) lives in sessionStorage: gone when the tab closes.
const TOKEN_KEY = 'citypulse.token';
const storedToken = () => { try { return sessionStorage.getItem(TOKEN_KEY) || ''; } catch { return ''; } };
const authHeaders = (accept) => {
  const headers = { accept };
  const token = storedToken();
  if (token) headers.authorization = `Bearer ${token}`;
  return headers;
};

async function api(path, fresh = false) {
  const r = await fetch(path, { headers: authHeaders('application/json'), cache: fresh ? 'no-cache' : 'default' });
  const body = await r.json().catch(() => null);
  if (!r.ok) {
    const err = new Error((body && body.detail) || `${r.status} ${r.statusText}`);
    err.auth = r.status === 401 || r.status === 403;
    err.status = r.status;
    throw err;
  }
  return body;
}
/** A cached GET (per key); a failure is not cached. */
function cached(key, path) {
  if (!state.cache.has(key)) {
    if (state.cache.size > 400) state.cache.delete(state.cache.keys().next().value);
    const p = api(path);
    p.catch(() => state.cache.delete(key));
    state.cache.set(key, p);
  }
  return state.cache.get(key);
}

function askForToken(note) {
  $('token-form').hidden = false;
  $('token-note').textContent = note || '';
  $('when').textContent = 'this dashboard needs an API token';
  document.body.dataset.state = 'token';
  $('token').focus();
}
$('token-form').addEventListener('submit', (e) => {
  e.preventDefault();
  try { sessionStorage.setItem(TOKEN_KEY, $('token').value.trim()); } catch { /* storage disabled: nothing to keep */ }
  location.reload();
});

const fmtInt = (n) => (n === null || n === undefined ? '—' : Math.round(n).toLocaleString('en-GB'));
const dateFmt = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' });
const timeFmt = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit' });
const span = (w) => `${dateFmt.format(new Date(w.start))} – ${timeFmt.format(new Date(w.end))}`;
const iso = (ms) => new Date(ms).toISOString();
const el = (tag, props = {}, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') e.className = v;
    else if (k === 'data') Object.assign(e.dataset, v);
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  e.append(...children.filter((c) => c !== null && c !== undefined));
  return e;
};

function showError(message) {
  const e = $('error');
  e.textContent = message;
  e.hidden = !message;
  if (message) document.body.dataset.state = 'error';
}

// ---- drawing --------------------------------------------------------------------------------------

function redraw() {
  if (!state.overlay) return;
  state.overlay.setProps({ layers: deckLayers({ ...state, onHover }) });
}

function onHover(info) {
  const tip = $('tooltip');
  const o = info && info.object;
  if (!o) { tip.hidden = true; return; }
  let text;
  if (info.layer.id === 'heatmap') text = `${o.properties.h3} · ${fmtInt(o.properties.present)} people`;
  else if (info.layer.id === 'flows') text = `${o.properties.origin} → ${o.properties.destination}: ${fmtInt(o.properties.trips)} trips`;
  else if (info.layer.id === 'population') {
    const z = state.population && state.population.zones.find((r) => r.zone === o.properties.zone_id);
    text = `${o.properties.zone_name} · ${z ? `${fmtInt(z[state.populationMetric])} ${state.populationMetric}` : 'below k, not shown'}`;
  } else if (info.layer.id === 'traffic') {
    const p = o.properties;
    const speed = p.speed_kmh === null ? 'no speed (< 5 devices)' : `${Math.round(p.speed_kmh)} km/h, congestion ${Math.round(100 * p.congestion)} %`;
    text = `corridor ${p.corridor} · ${fmtInt(p.flow)} devices / ${p.bin_minutes} min · ${speed}`;
  } else return;
  tip.textContent = text;
  tip.style.left = `${info.x + 20}px`;
  tip.style.top = `${info.y + 20}px`;
  tip.hidden = false;
}

function drawLegend() {
  const stops = Array.from({ length: 11 }, (_, i) => css(ramp(i / 10)));
  $('legend-bar').style.background = `linear-gradient(to right, ${stops.join(', ')})`;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((t) => Math.round(state.k + t * t * (state.max - state.k)));
  $('legend-ticks').replaceChildren(...ticks.map((v, i) => {
    const s = el('span', {}, fmtInt(v));
    s.style.left = `${i * 25}%`;
    return s;
  }));
  $('legend-title').textContent = `people per hexagon in this window · H3 res ${state.res}`;
  $('legend-note').textContent = `scale from k = ${state.k} to this window's busiest hexagon; fewer than k people are not shown`;
}

function drawTotals(w) {
  const rows = [
    ['window', `${timeFmt.format(new Date(w.start))}–${timeFmt.format(new Date(w.end))}`],
    ['people shown', fmtInt(w.devices)],
    ['hexagons shown', fmtInt(w.hexagons)],
    ['busiest hexagon', fmtInt(w.max_present)],
    ['hexagons < k hidden', fmtInt(w.suppressed_hexagons)],
  ];
  $('totals').replaceChildren(...rows.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
  $('k-note').textContent =
    `Counts of fewer than k = ${state.k} people are never sent to this page (k-anonymity): ` +
    `${fmtInt(w.suppressed_hexagons)} hexagon${w.suppressed_hexagons === 1 ? ' is' : 's are'} hidden in this window and their people are not in the totals. ` +
    'People are mobile devices present (each counted once, where it stayed longest in the window).';
}

/**
 * Crowd alerts as they stood at the end of the selected window: one line per incident (alert_id),
 * its latest event up to the window. Open and escalated incidents carry their level's colour; a
 * resolved one is greyed and says so, with the peak it reached.
 */
function drawAlerts(w) {
  const latest = new Map();
  for (const a of state.alerts) {
    if (Date.parse(a.window_start) > w.start) continue;
    const seen = latest.get(a.alert_id);
    if (!seen || a.seq > seen.seq) latest.set(a.alert_id, a);
  }
  const incidents = [...latest.values()].sort((a, b) => Date.parse(b.window_start) - Date.parse(a.window_start)).slice(0, 15);
  if (incidents.length === 0) {
    $('alerts').replaceChildren(el('li', { class: 'muted' }, state.alerts.length ? 'No crowd alerts up to this window.' : 'No crowd alerts in this database.'));
    return;
  }
  $('alerts').replaceChildren(...incidents.map((a) => {
    const resolved = a.state === 'resolved';
    const cls = [a.state, Date.parse(a.window_start) === w.start ? 'current' : '', state.selectedAlert === `${a.alert_id}#${a.seq}` ? 'selected' : ''].filter(Boolean).join(' ');
    const what = resolved ? `resolved (peak ${a.peak_level})` : a.state;
    const counts = a.below_k ? ' · counts below k' : ` · ${fmtInt(a.people)}/${fmtInt(a.capacity)} people`;
    const btn = el('button', { type: 'button', class: 'rowbtn', 'aria-label': `${a.area_name}: ${a.kind} ${a.level} ${what}, ${span({ start: Date.parse(a.window_start), end: Date.parse(a.window_end) })}; show on the map`, onclick: () => void jumpToAlert(a) },
      el('span', { class: `lvl ${a.level}` }, a.level),
      el('b', {}, a.area_name),
      el('span', { class: 'st' }, what),
      el('div', {}, `${a.kind}${counts}`),
      el('div', { class: 't' }, span({ start: Date.parse(a.window_start), end: Date.parse(a.window_end) })));
    return el('li', { class: cls, data: { alert: a.alert_id, seq: String(a.seq), state: a.state, level: a.level } }, btn);
  }));
}

/** Jumps to an alert: leaves live mode, moves the slider to its window and the map to its area. */
async function jumpToAlert(a) {
  toHistory();
  state.playing = false;
  const start = Date.parse(a.window_start);
  const i = state.windows.findIndex((w) => w.start === start);
  if (i >= 0) state.index = i;
  state.selectedAlert = `${a.alert_id}#${a.seq}`;
  state.focusArea = a.area_id;
  await safeRender();
  focusArea(a.area_id);
}

function focusArea(id) {
  const f = state.areas && state.areas.features.find((x) => x.properties.id === id);
  $('map').dataset.focusArea = id || '';
  if (!f || !state.map) return;
  const b = boundsOf({ features: [f] });
  state.map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: 80, maxZoom: 15, duration: 600 });
  for (const x of state.areas.features) state.map.setFeatureState({ source: 'areas', id: x.id }, { focus: x.properties.id === id });
}

const levelOf = (p) => {
  if (p.people === null) return 'unknown';
  return p.people >= p.levels.critical ? 'critical' : p.people >= p.levels.warning ? 'warning' : p.people >= p.levels.notice ? 'notice' : 'none';
};

/** Watched areas: their outlines coloured by the level their occupancy reaches, and a gauge each. */
function drawAreas(fc) {
  state.areas = fc;
  const box = $('areas-box');
  if (!fc || fc.features.length === 0) { box.hidden = true; if (state.map) state.map.getSource('areas').setData(EMPTY); return; }
  const withColour = {
    ...fc,
    features: fc.features.map((f) => ({ ...f, properties: { ...f.properties, colour: css(LEVEL_RGB[levelOf(f.properties)]) } })),
  };
  if (state.map) state.map.getSource('areas').setData(state.layers.areas ? withColour : EMPTY);
  $('areas').replaceChildren(...fc.features.map((f) => {
    const p = f.properties;
    const level = levelOf(p);
    const top = Math.max(p.levels.critical * 1.25, p.people || 0);
    const fill = el('div', { class: 'fill' });
    fill.style.width = `${p.people === null ? 0 : (100 * p.people) / top}%`;
    const marks = ['notice', 'warning', 'critical'].map((l) => {
      const m = el('div', { class: 'mark', title: `${l}: ${fmtInt(p.levels[l])} people` });
      m.style.left = `${(100 * p.levels[l]) / top}%`;
      return m;
    });
    const track = el('div', { class: 'track', role: 'meter', 'aria-valuemin': '0', 'aria-valuemax': String(Math.round(top)), 'aria-valuenow': String(p.people ?? 0), 'aria-label': `${p.name} occupancy` }, fill, ...marks);
    const pct = p.occupancy === null ? 'below k' : `${Math.round(p.occupancy * 100)} %`;
    const btn = el('button', { type: 'button', class: 'rowbtn', onclick: () => focusArea(p.id), 'aria-label': `${p.name}: ${pct} of capacity; show on the map` },
      el('div', { class: 'head' }, el('b', {}, p.name), el('span', { class: 'n' }, pct)),
      track,
      el('div', { class: 'sub' }, p.people === null ? `fewer than k = ${state.k} people counted, or none` : `${fmtInt(p.people)} of ${fmtInt(p.capacity)} people · alert at ${fmtInt(p.levels.critical)}${level !== 'none' ? ` · ${level}` : ''}`));
    return el('li', { class: `gauge ${level}`, data: { area: p.id, level } }, btn);
  }));
  box.hidden = false;
}

async function drawDistricts(w, seq) {
  const box = $('districts-box');
  if (!state.zoneSystem) { box.hidden = true; return; }
  let answer;
  try { answer = await cached(`tot|${state.zoneSystem}|${w.start}`, `api/v1/zones/${encodeURIComponent(state.zoneSystem)}/totals?from=${w.start}&to=${w.end}`); } catch { box.hidden = true; return; }
  if (seq !== state.seq) return;
  const rows = answer.rows.filter((r) => r.peak_present !== null).sort((a, b) => b.peak_present - a.peak_present).slice(0, 8);
  const top = rows.length ? rows[0].peak_present : 1;
  const items = rows.map((r) => {
    const bar = el('span', { class: 'bar' });
    bar.style.width = `${(100 * r.peak_present) / top}%`;
    return el('li', {}, el('button', { type: 'button', class: 'rowbtn', onclick: () => void selectZone(r.zone_id), 'aria-label': `${r.zone_name}: ${fmtInt(r.peak_present)} people; show its day` }, el('span', {}, r.zone_name), el('span', { class: 'n' }, fmtInt(r.peak_present)), bar));
  });
  if (items.length === 0) items.push(el('li', { class: 'muted' }, `No zone reaches k = ${state.k} in this window.`));
  $('districts').replaceChildren(...items);
  box.hidden = false;
}

async function loadFlows(w) {
  if (!state.layers.flows) { $('flows-box').hidden = true; return null; }
  const hour = Math.floor(w.start / 3600000) * 3600000;
  const space = state.zoneSystem ? `zones=${encodeURIComponent(state.zoneSystem)}` : 'res=7';
  const fc = await cached(`od|${space}|${hour}`, `api/v1/od?${space}&by=hour&from=${hour}&to=${hour + 3600000}`).catch(() => null);
  const items = (fc ? fc.features : []).slice().sort((a, b) => b.properties.trips - a.properties.trips).slice(0, 8)
    .map((f) => el('li', {}, `${f.properties.origin} → ${f.properties.destination}: ${fmtInt(f.properties.trips)}`));
  if (items.length === 0) items.push(el('li', { class: 'muted' }, fc ? `No flow reaches k = ${state.k} in this hour.` : 'No trips in this database (ingest with --trajectory on), or no od:read scope.'));
  $('flow-list').replaceChildren(...items);
  $('flows-box').hidden = false;
  return fc;
}

async function loadPopulation() {
  const box = $('population-box');
  if (!state.layers.population) { box.hidden = true; return null; }
  box.hidden = false;
  if (!state.zoneSystem) { $('population-note').textContent = 'Choose a zone system: population is per zone.'; return null; }
  try {
    const p = await cached(`pop|${state.zoneSystem}`, `api/v1/population?zones=${encodeURIComponent(state.zoneSystem)}`);
    $('population-note').textContent = `${p.zones.length} zones released (k = ${p.k}); ${p.suppressed_zones} withheld whole because a figure was below k. Over the whole period in the database.`;
    return p;
  } catch (err) {
    $('population-note').textContent = `Population not available: ${err.message}`;
    return null;
  }
}

/**
 * The traffic layer for window `w`: the API's corridor-bins starting in it (5- or 15-minute bins
 * like the window), the latest bin per corridor. Corridor-bins whose flow is below k are not sent.
 */
async function loadTraffic(w) {
  const box = $('traffic-legend');
  if (!state.layers.traffic) { box.hidden = true; return null; }
  box.hidden = false;
  const bin = w.end - w.start <= 300000 ? '5m' : '15m';
  try {
    const fc = await cached(`traffic|${bin}|${w.start}`, `api/v1/traffic?bin=${bin}&from=${w.start}&to=${w.end}`);
    const latest = new Map();
    for (const f of fc.features) {
      const seen = latest.get(f.properties.corridor);
      if (f.geometry && f.geometry.type === 'LineString' && (!seen || seen.properties.bin_start < f.properties.bin_start)) latest.set(f.properties.corridor, f);
    }
    const shown = [...latest.values()];
    const jammed = shown.filter((f) => typeof f.properties.congestion === 'number' && f.properties.congestion >= 0.5).length;
    $('traffic-note').textContent = `${shown.length} corridors with ≥ k = ${fc.k} devices (${bin} bins)${shown.length ? `; ${jammed} congested ≥ 50 %` : ''}; grey: fewer than 5 devices, no speed`;
    return shown;
  } catch (err) {
    $('traffic-note').textContent = `Traffic not available: ${err.message}`;
    return null;
  }
}

// ---- rendering a window -----------------------------------------------------------------------------

async function render() {
  const seq = ++state.seq;
  const w = state.windows[state.index];
  const mapEl = $('map');
  if (!w) {
    $('when').textContent = 'no closed windows yet';
    state.heatmap = null;
    redraw();
    document.body.dataset.state = 'ready';
    return;
  }
  document.body.dataset.state = 'loading';
  $('when').textContent = span(w);
  $('window-slider').value = String(state.index);
  $('window-slider').setAttribute('aria-valuetext', span(w));
  const wIso = iso(w.start);
  const [fc, areas, flows, population, traffic] = await Promise.all([
    cached(`hex|${state.res}|${w.start}`, `api/v1/heatmap?res=${state.res}&window=${encodeURIComponent(wIso)}`),
    cached(`areas|${w.start}`, `api/v1/areas?window=${encodeURIComponent(wIso)}`).catch(() => null),
    loadFlows(w),
    loadPopulation(),
    loadTraffic(w),
  ]);
  if (seq !== state.seq) return;
  state.heatmap = fc;
  state.flows = flows;
  state.population = population;
  state.traffic = traffic;
  // A colour scale per window: from k to this window's busiest hexagon.
  state.max = Math.max(state.k + 1, ...fc.features.map((f) => f.properties.present));
  drawLegend();
  drawTotals(w);
  drawAlerts(w);
  drawAreas(areas);
  redraw();
  if (state.zoneSeries) drawZoneChart();
  mapEl.dataset.window = wIso;
  mapEl.dataset.res = String(state.res);
  mapEl.dataset.features = String(fc.features.length);
  mapEl.dataset.flows = String(flows ? flows.features.filter((f) => f.geometry.type === 'LineString').length : 0);
  mapEl.dataset.traffic = String(traffic ? traffic.length : 0);
  mapEl.dataset.layers = LAYERS.filter((l) => state.layers[l.id]).map((l) => l.id).join(',');
  const url = new URL(location.href);
  const on = LAYERS.filter((l) => state.layers[l.id] !== l.on).map((l) => `&${l.id}=${state.layers[l.id] ? 1 : 0}`).join('');
  url.hash = `${state.live ? 'live=1' : `window=${wIso}`}&res=${state.res}${state.zoneSystem ? `&zones=${encodeURIComponent(state.zoneSystem)}` : ''}${on}`;
  history.replaceState(null, '', url);
  showError('');
  document.body.dataset.state = 'ready';
  void drawDistricts(w, seq);
}

function safeRender() {
  return render().catch((err) => (err.auth ? askForToken(err.message) : showError(`Could not load the window: ${err.message}`)));
}

async function selectZoneSystem(name) {
  state.zoneSystem = name;
  state.outlines = name ? await api(`api/v1/zones/${encodeURIComponent(name)}`) : null;
  const info = state.zoneSystems.find((z) => z.name === name);
  // The attribution line only when the zones it is about are on screen.
  $('attribution').textContent = info && info.attribution ? info.attribution : '';
  state.selectedZone = null;
  state.zoneSeries = null;
  $('zone-box').hidden = true;
  if (state.map) state.map.getSource('zones').setData(state.layers.zones && state.outlines ? state.outlines : EMPTY);
  $('map').dataset.zones = String(state.outlines ? state.outlines.features.length : 0);
}

function step(delta) {
  if (state.windows.length === 0) return Promise.resolve();
  state.index = (state.index + delta + state.windows.length) % state.windows.length;
  return safeRender();
}

async function play() {
  state.playing = !state.playing;
  if (state.playing) toHistory();
  $('play').textContent = state.playing ? '❚❚' : '▶';
  $('play').setAttribute('aria-label', state.playing ? 'pause' : 'play');
  while (state.playing) {
    const started = performance.now();
    await step(1);
    await new Promise((r) => setTimeout(r, Math.max(0, PLAY_MS - (performance.now() - started))));
  }
}

function buildLayerToggles(hash) {
  const box = $('layers');
  for (const l of LAYERS) {
    const wanted = hash.get(l.id);
    if (wanted === '1' || wanted === '0') state.layers[l.id] = wanted === '1';
    const input = el('input', { type: 'checkbox', id: `layer-${l.id}` });
    input.checked = state.layers[l.id];
    input.addEventListener('change', () => {
      state.layers[l.id] = input.checked;
      if (l.id === 'zones' && state.map) state.map.getSource('zones').setData(input.checked && state.outlines ? state.outlines : EMPTY);
      void safeRender();
    });
    box.append(el('label', {}, input, ` ${l.label}`));
  }
}

// The server says whether it wants tokens (x-citypulse-auth) on an open route, so the page asks
// before any data request is refused.
async function needsToken() {
  const r = await fetch('healthz', { headers: { accept: 'application/json' } });
  return r.headers.get('x-citypulse-auth') === 'bearer';
}

async function start() {
  if (!storedToken() && (await needsToken())) {
    askForToken('enter a token from citypulse tokens create (scopes heatmap:read, alerts:read, population:read; od:read for flows, traffic:read for traffic)');
    return;
  }
  const hash = new URLSearchParams(location.hash.slice(1));
  const wantedRes = Number(hash.get('res'));
  if (RESOLUTIONS.includes(wantedRes)) state.res = wantedRes;
  const [zones, alerts, list] = await Promise.all([api('api/v1/zones'), api('api/v1/alerts?limit=500', true), api(`api/v1/windows?res=${state.res}`, true)]);
  state.alerts = alerts.alerts;
  state.zoneSystems = zones.zone_systems;
  applyWindows(list);
  state.index = latestIndex();
  const at = Date.parse(hash.get('window') || '');
  const i = state.windows.findIndex((w) => w.start === at);
  if (i >= 0) { state.index = i; state.live = false; }
  if (hash.get('flows') === '1') state.layers.flows = true; // links made before the layer toggles
  buildLayerToggles(hash);
  setMode(state.live);

  const b = state.bbox;
  const { map, overlay } = await createMap($('map'), b ? [[b[0], b[1]], [b[2], b[3]]] : null);
  state.map = map;
  state.overlay = overlay;
  state.zoom = map.getZoom();
  map.on('zoomend', () => { state.zoom = map.getZoom(); redraw(); });
  map.on('click', 'zones-fill', (e) => { const f = e.features && e.features[0]; if (f) void selectZone(f.properties.zone_id); });
  map.on('mouseenter', 'zones-fill', () => { map.getCanvas().style.cursor = 'pointer'; });
  map.on('mouseleave', 'zones-fill', () => { map.getCanvas().style.cursor = ''; });
  map.getContainer().addEventListener('mouseleave', () => { $('tooltip').hidden = true; });

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
  $('window-slider').addEventListener('input', (e) => { toHistory(); state.index = Number(e.target.value); void safeRender(); });
  $('prev').addEventListener('click', () => { toHistory(); void step(-1); });
  $('next').addEventListener('click', () => { toHistory(); void step(1); });
  $('play').addEventListener('click', () => void play());
  $('back-live').addEventListener('click', () => { state.playing = false; void backToLive().catch((err) => showError(err.message)); });
  resSelect.addEventListener('change', async (e) => {
    state.res = Number(e.target.value);
    try { applyWindows(await api(`api/v1/windows?res=${state.res}`, true)); await render(); } catch (err) { showError(err.message); }
  });
  $('zone-system').addEventListener('change', async (e) => {
    try { await selectZoneSystem(e.target.value); await render(); } catch (err) { showError(err.message); }
  });
  $('population-metric').addEventListener('change', (e) => { state.populationMetric = e.target.value; redraw(); });
  await render();
  void followLive();
}

start().catch((err) => (err.auth ? askForToken(err.message) : showError(`Could not start the dashboard: ${err.message}`)));
