// Live mode and history (part of the dashboard's inline module, before dashboard.js; it uses that
// file's state and helpers at call time). The page follows the latest window by default: pushed by
// the server (GET /api/v1/live, server-sent events), else by polling /api/v1/windows every 30 s.
const POLL_MS = 30_000;

function setMode(live) {
  state.live = live;
  document.body.dataset.mode = live ? 'live' : 'history';
  $('back-live').hidden = live;
  const via = { stream: 'server push', polling: `polling every ${POLL_MS / 1000} s`, connecting: 'connecting…' }[state.liveVia];
  $('live-status').textContent = live ? `● live — following the latest window (${via})` : '◼ history — not following';
}

/** Leaves live mode: any explicit move in time (slider, buttons, an alert) does. */
function toHistory() { if (state.live) setMode(false); }

function latestIndex() {
  // The latest window, or — when the last ones show nothing (a quiet night, the partial windows at
  // the end of a finished run) — the latest one that has something to show.
  let i = state.windows.length - 1;
  while (i > 0 && state.windows[i].hexagons === 0) i--;
  return Math.max(0, i);
}

async function backToLive() {
  setMode(true);
  await refreshWindows();
  state.index = latestIndex();
  await safeRender();
}

/** Re-reads the window list (and alerts); in live mode moves to `followStart` or the latest window. */
async function refreshWindows(followStart) {
  const keep = state.windows[state.index] && state.windows[state.index].start;
  const [list, alerts] = await Promise.all([api(`api/v1/windows?res=${state.res}`, true), api('api/v1/alerts?limit=500', true)]);
  applyWindows(list);
  state.alerts = alerts.alerts;
  const found = state.live
    ? (followStart !== undefined ? state.windows.findIndex((w) => w.start === followStart) : -1)
    : state.windows.findIndex((w) => w.start === keep);
  state.index = found >= 0 ? found : state.live ? latestIndex() : Math.min(state.index, state.windows.length - 1);
}

function applyWindows(list) {
  state.k = list.k;
  state.baseRes = list.base_res;
  state.bbox = list.bbox;
  state.windows = list.windows.map((w) => ({ ...w, start: Date.parse(w.start), end: Date.parse(w.end) }));
  const slider = $('window-slider');
  slider.max = String(Math.max(0, state.windows.length - 1));
}

let pollTimer = null;
function startPolling() {
  state.liveVia = 'polling';
  setMode(state.live);
  if (pollTimer) return;
  pollTimer = setInterval(async () => {
    const before = state.windows.length && state.windows[state.windows.length - 1].start;
    try {
      await refreshWindows();
      const after = state.windows.length && state.windows[state.windows.length - 1].start;
      if (after !== before || state.live) await safeRender();
    } catch { /* the next poll retries */ }
  }, POLL_MS);
}

/**
 * Follows GET /api/v1/live (server-sent events: `hello`, `window`, `alert`). Read with fetch rather
 * than EventSource, which cannot send the bearer token. When the route is missing, says it serves a
 * finished file (`hello` with mode `serve`: citypulse serve) or the stream breaks, the page polls
 * /api/v1/windows instead.
 */
async function followLive() {
  let r;
  try {
    r = await fetch('api/v1/live', { headers: authHeaders('text/event-stream'), cache: 'no-store' });
  } catch { startPolling(); return; }
  if (!r.ok || !r.body || !(r.headers.get('content-type') || '').startsWith('text/event-stream')) { startPolling(); return; }
  state.liveVia = 'stream';
  setMode(state.live);
  if (pollTimer) { clearInterval(pollTimer); pollTimer = null; }
  const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value.replace(/\r\n?/g, '\n');
      let cut;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        let event = 'message';
        const data = [];
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) continue; // a ping comment
          const [field, ...rest] = line.split(':');
          const v = rest.join(':').replace(/^ /, '');
          if (field === 'event') event = v;
          else if (field === 'data') data.push(v);
        }
        if (!data.length) continue;
        const payload = JSON.parse(data.join('\n'));
        // `serve` holds a finished file: nothing is pushed, so poll (a newer copy may replace it).
        if (event === 'hello' && payload.mode === 'serve') { void reader.cancel(); startPolling(); return; }
        await onLiveEvent(event, payload);
      }
    }
  } catch { /* broken stream: fall back below */ }
  startPolling();
}

async function onLiveEvent(event, data) {
  if (event === 'window') {
    await refreshWindows(Date.parse(data.windowStart));
    await safeRender();
  } else if (event === 'alert') {
    const i = state.alerts.findIndex((a) => a.alert_id === data.alert_id && a.seq === data.seq);
    if (i >= 0) state.alerts[i] = data; else state.alerts.unshift(data);
    state.alerts.sort((a, b) => Date.parse(b.window_start) - Date.parse(a.window_start) || b.seq - a.seq);
    const w = state.windows[state.index];
    if (w) drawAlerts(w);
  }
}

