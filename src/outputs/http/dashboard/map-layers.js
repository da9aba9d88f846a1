// The dashboard's map: a blank MapLibre GL style with our own GeoJSON sources (zone and watched-area
// outlines) and deck.gl layers on top (H3 hexagons, labels, OD arcs, the population choropleth). Both
// libraries are served by this server from node_modules (/vendor/…); no tiles, no glyph server: text
// is drawn by deck.gl's TextLayer, which renders its own font atlas.
import * as maplibregl from './vendor/maplibre-gl.mjs';

/* global deck */
const { MapboxOverlay, H3HexagonLayer, TextLayer, ArcLayer, GeoJsonLayer, PathLayer } = globalThis.deck;

// The same viridis-like ramp as the SVG exports (src/outputs/export/heatmap-svg.ts).
const STOPS = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
// A sequential blue ramp for the population choropleth (distinct from the heatmap's).
const POP_STOPS = [[239, 243, 255], [189, 215, 231], [107, 174, 214], [49, 130, 189], [8, 81, 156]];

function rampOf(stops) {
  return (t) => {
    const x = Math.max(0, Math.min(1, t)) * (stops.length - 1);
    const i = Math.min(stops.length - 2, Math.floor(x));
    const f = x - i;
    return stops[i].map((v, j) => Math.round(v + (stops[i + 1][j] - v) * f));
  };
}
// Traffic congestion (1 − speed / free flow): green free-flowing → amber → red jammed; grey without a speed.
const CONGESTION_STOPS = [[46, 160, 67], [240, 200, 40], [200, 30, 30]];
const NO_SPEED_RGB = [140, 146, 156];
const congestionRamp = rampOf(CONGESTION_STOPS);
const congestionColour = (c) => (typeof c === 'number' ? congestionRamp(c) : NO_SPEED_RGB);
const ramp = rampOf(STOPS);
const popRamp = rampOf(POP_STOPS);
const css = (c) => `rgb(${c[0]},${c[1]},${c[2]})`;

/** Square-root scale over [k, max] of this window: shown hexagons start at k; a few crowds must not wash out the rest. */
const scaleOf = (k, max) => (present) => Math.sqrt(Math.max(0, present - k) / Math.max(1, max - k));

/** Level colours of watched areas (fill) by the highest alert level their occupancy reaches. */
const LEVEL_RGB = { none: [63, 143, 90], notice: [92, 143, 199], warning: [217, 138, 0], critical: [192, 57, 43], unknown: [140, 146, 156] };

/** Label position of a (Multi)Polygon: the area-weighted centroid of its largest polygon's outer ring. */
function labelPoint(geometry) {
  const polys = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.type === 'MultiPolygon' ? geometry.coordinates : [];
  let best = null;
  for (const poly of polys) {
    const ring = poly[0];
    let a = 0, cx = 0, cy = 0;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const f = ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1];
      a += f; cx += (ring[j][0] + ring[i][0]) * f; cy += (ring[j][1] + ring[i][1]) * f;
    }
    if (a !== 0 && (!best || Math.abs(a) > best.a)) best = { a: Math.abs(a), p: [cx / (3 * a), cy / (3 * a)] };
  }
  return best ? best.p : null;
}

/** [west, south, east, north] of a FeatureCollection's polygons, or null. */
function boundsOf(fc) {
  let b = null;
  for (const f of (fc && fc.features) || []) {
    const g = f.geometry;
    const polys = g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : [];
    for (const poly of polys) for (const [lon, lat] of poly[0]) {
      b = b ? [Math.min(b[0], lon), Math.min(b[1], lat), Math.max(b[2], lon), Math.max(b[3], lat)] : [lon, lat, lon, lat];
    }
  }
  return b;
}

const EMPTY = { type: 'FeatureCollection', features: [] };

/** A blank style: a background and our own sources; nothing fetched (no tiles, sprites or glyphs). */
const BLANK_STYLE = {
  version: 8,
  sources: { zones: { type: 'geojson', data: EMPTY, promoteId: 'zone_id' }, areas: { type: 'geojson', data: EMPTY, promoteId: 'id' } },
  layers: [
    { id: 'background', type: 'background', paint: { 'background-color': '#f4f3ee' } },
    { id: 'zones-fill', type: 'fill', source: 'zones', paint: { 'fill-color': '#ffffff', 'fill-opacity': ['case', ['boolean', ['feature-state', 'selected'], false], 0.9, 0.55] } },
    { id: 'zones-line', type: 'line', source: 'zones', paint: { 'line-color': ['case', ['boolean', ['feature-state', 'selected'], false], '#e8590c', '#8a96a3'], 'line-width': ['case', ['boolean', ['feature-state', 'selected'], false], 2.5, 0.8] } },
    { id: 'areas-fill', type: 'fill', source: 'areas', paint: { 'fill-color': ['get', 'colour'], 'fill-opacity': 0.18 } },
    { id: 'areas-line', type: 'line', source: 'areas', paint: { 'line-color': ['get', 'colour'], 'line-width': ['case', ['boolean', ['feature-state', 'focus'], false], 4, 2], 'line-dasharray': [2, 1] } },
  ],
};

/**
 * Creates the map in `container` and resolves once its style is loaded. Returns the MapLibre map and
 * a deck.gl overlay (its own canvas above the map's, `preserveDrawingBuffer` so tests can read it).
 */
function createMap(container, bounds) {
  const map = new maplibregl.Map({
    container,
    style: BLANK_STYLE,
    bounds: bounds || [[9.04, 45.39], [9.28, 45.54]],
    fitBoundsOptions: { padding: 20 },
    attributionControl: false,
    dragRotate: false,
    pitchWithRotate: false,
    canvasContextAttributes: { preserveDrawingBuffer: true },
  });
  map.touchZoomRotate.disableRotation();
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-right');
  const overlay = new MapboxOverlay({ interleaved: false, layers: [], glOptions: { preserveDrawingBuffer: true } });
  map.addControl(overlay);
  return new Promise((resolve, reject) => {
    map.once('load', () => resolve({ map, overlay }));
    map.once('error', (e) => reject(e.error || new Error('the map could not start')));
  });
}

/** deck.gl layers of the current view, in drawing order (bottom first). `v` is the dashboard's view state. */
function deckLayers(v) {
  const layers = [];
  if (v.layers.population && v.population && v.outlines) {
    const byZone = new Map(v.population.zones.map((z) => [z.zone, z]));
    const values = v.population.zones.map((z) => z[v.populationMetric]).filter((x) => typeof x === 'number');
    const max = Math.max(1, ...values);
    layers.push(new GeoJsonLayer({
      id: 'population',
      data: v.outlines,
      filled: true,
      stroked: false,
      pickable: true,
      getFillColor: (f) => {
        const z = byZone.get(f.properties.zone_id);
        const x = z ? z[v.populationMetric] : null;
        return typeof x === 'number' ? [...popRamp(x / max), 200] : [0, 0, 0, 0];
      },
      updateTriggers: { getFillColor: [v.populationMetric, v.population] },
      onHover: v.onHover,
    }));
  }
  if (v.layers.heatmap && v.heatmap) {
    const s = scaleOf(v.k, v.max);
    layers.push(new H3HexagonLayer({
      id: 'heatmap',
      data: v.heatmap.features,
      getHexagon: (f) => f.properties.h3,
      getFillColor: (f) => [...ramp(s(f.properties.present)), 210],
      extruded: false,
      stroked: false,
      pickable: true,
      highPrecision: true,
      updateTriggers: { getFillColor: [v.k, v.max] },
      onHover: v.onHover,
    }));
  }
  if (v.layers.flows && v.flows) {
    const lines = v.flows.features.filter((f) => f.geometry.type === 'LineString');
    const top = lines.reduce((m, f) => Math.max(m, f.properties.trips), 1);
    layers.push(new ArcLayer({
      id: 'flows',
      data: lines,
      getSourcePosition: (f) => f.geometry.coordinates[0],
      getTargetPosition: (f) => f.geometry.coordinates[f.geometry.coordinates.length - 1],
      getSourceColor: [232, 89, 12, 220],
      getTargetColor: [120, 40, 160, 220],
      getWidth: (f) => 1 + (7 * f.properties.trips) / top,
      pickable: true,
      onHover: v.onHover,
    }));
  }
  if (v.layers.traffic && v.traffic) {
    layers.push(new PathLayer({
      id: 'traffic',
      data: v.traffic,
      getPath: (f) => f.geometry.coordinates,
      getColor: (f) => [...congestionColour(f.properties.congestion), 235],
      getWidth: 6,
      widthUnits: 'pixels',
      widthMinPixels: 3,
      capRounded: true,
      jointRounded: true,
      pickable: true,
      onHover: v.onHover,
    }));
  }
  const labels = [];
  // A watched area's own label wins over the name of the zone beneath it.
  const areaBoxes = v.layers.areas && v.areas ? v.areas.features.map((f) => boundsOf({ features: [f] })).filter(Boolean) : [];
  const underArea = ([x, y]) => areaBoxes.some((b) => x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3]);
  if (v.layers.zones && v.outlines && v.zoom >= 12) {
    for (const f of v.outlines.features) {
      const p = labelPoint(f.geometry);
      if (p && !underArea(p)) labels.push({ p, text: f.properties.zone_name, size: 11, colour: [70, 78, 92, 255] });
    }
  }
  if (v.layers.areas && v.areas) {
    for (const f of v.areas.features) {
      const p = labelPoint(f.geometry);
      const o = f.properties.occupancy;
      if (p) labels.push({ p, text: `${f.properties.name}${o === null ? '' : ` · ${Math.round(o * 100)} %`}`, size: 13, colour: [29, 36, 48, 255] });
    }
  }
  if (labels.length) {
    layers.push(new TextLayer({
      id: 'labels',
      data: labels,
      getPosition: (d) => d.p,
      getText: (d) => d.text,
      getSize: (d) => d.size,
      getColor: (d) => d.colour,
      characterSet: 'auto',
      fontFamily: 'system-ui, Helvetica, Arial, sans-serif',
      fontWeight: 600,
      outlineWidth: 3,
      outlineColor: [255, 255, 255, 230],
      fontSettings: { sdf: true },
      billboard: true,
    }));
  }
  return layers;
}
