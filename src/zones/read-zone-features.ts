import { area } from '@turf/turf';
import type { MultiPolygon, Polygon, Position } from 'geojson';
import { ZoneError } from './zone-error.ts';
import type { ZoneFeature } from './zone-feature.ts';

/** How {@link readZoneFeatures} finds each zone's id and name. */
export interface ReadZonesConfig {
  /**
   * Property holding the zone id; its values must be present and unique. Default: the first of `id`,
   * `zone_id`, `code`, then a property named `id_…`/`…_id` (`ID_NIL`), then `fid`/`objectid`, then the
   * features' own `id`, that is present and unique in every feature (case-insensitive).
   */
  idProp?: string;
  /**
   * Property holding the zone name. Default: the first of `name`, `zone_name`, `nome`, `NIL`, `label`,
   * `title`, then a property named `name_…`/`…_name`/`nome_…`, present in every feature; else the id.
   */
  nameProp?: string;
}

/** What {@link readZoneFeatures} found. */
export interface ReadZonesResult {
  zones: ZoneFeature[];
  /** The id property used (`feature.id` for the features' own id). */
  idProp: string;
  /** The name property used, or null when names are the ids. */
  nameProp: string | null;
}

const ID_NAMES = ['id', 'zone_id', 'code'];
const ID_PATTERN = /^id[_ ]|[_ ]id$/i;
const ID_LATE = ['fid', 'objectid', 'gid'];
const NAME_NAMES = ['name', 'zone_name', 'nome', 'nil', 'label', 'title'];
const NAME_PATTERN = /^(name|nome)[_ ]|[_ ](name|nome)$/i;
const FEATURE_ID = 'feature.id';

type Props = Record<string, unknown>;
interface RawFeature {
  id?: unknown;
  properties?: Props | null;
  geometry?: unknown;
}

/**
 * Reads the zones of a GeoJSON FeatureCollection (WGS84 longitude/latitude, Polygon or MultiPolygon
 * features): picks the id and name properties, checks every geometry, closes open rings and computes
 * areas. Pure: the caller reads the file.
 * @throws ZoneError naming the feature (position, id, name) for a missing or duplicate id, a geometry
 * that is not a polygon, too few positions, or coordinates that are not longitude/latitude.
 */
export function readZoneFeatures(geojson: unknown, config: ReadZonesConfig = {}): ReadZonesResult {
  const features = featuresOf(geojson);
  const idProp = config.idProp ?? detectIdProp(features);
  const ids = features.map((f, i) => idOf(f, idProp, i + 1));
  const seen = new Map<string, number>();
  ids.forEach((id, i) => {
    const first = seen.get(id);
    if (first !== undefined) throw new ZoneError(`features #${first} and #${i + 1} have the same ${idProp} "${id}"; zone ids must be unique (choose another with --id-prop)`, { feature: i + 1, zoneId: id });
    seen.set(id, i + 1);
  });
  const nameProp = config.nameProp ?? detectNameProp(features, idProp);
  const zones = features.map((f, i): ZoneFeature => {
    const label = `feature #${i + 1} (${idProp}=${ids[i]})`;
    const name = nameProp === null ? ids[i]! : nameOf(f, nameProp, label);
    const geometry = checkGeometry(f.geometry, `feature #${i + 1} (${idProp}=${ids[i]}, ${JSON.stringify(name)})`, ids[i]!, i + 1);
    return { index: i + 1, id: ids[i]!, name, geometry, areaKm2: area(geometry) / 1e6 };
  });
  return { zones, idProp, nameProp };
}

function featuresOf(geojson: unknown): RawFeature[] {
  const g = geojson as { type?: unknown; features?: unknown; crs?: { properties?: { name?: unknown } } } | null;
  if (g === null || typeof g !== 'object') throw new ZoneError('a zones file must be a GeoJSON FeatureCollection');
  const crs = g.crs?.properties?.name;
  if (typeof crs === 'string' && !/CRS84|4326/i.test(crs)) {
    throw new ZoneError(`the zones file is in ${crs}; citypulse needs WGS84 longitude/latitude (reproject, e.g. ogr2ogr -t_srs EPSG:4326 out.geojson in.geojson)`);
  }
  if (g.type === 'Feature') return [g as RawFeature];
  if (g.type !== 'FeatureCollection' || !Array.isArray(g.features)) throw new ZoneError(`a zones file must be a GeoJSON FeatureCollection, got type ${JSON.stringify(g.type)}`);
  if (g.features.length === 0) throw new ZoneError('the zones file has no features');
  return g.features as RawFeature[];
}

function propValue(f: RawFeature, prop: string): unknown {
  if (prop === FEATURE_ID) return f.id;
  const props = f.properties ?? {};
  if (Object.hasOwn(props, prop)) return props[prop];
  const key = Object.keys(props).find((k) => k.toLowerCase() === prop.toLowerCase());
  return key === undefined ? undefined : props[key];
}

function present(v: unknown): boolean {
  return (typeof v === 'string' && v.trim() !== '') || (typeof v === 'number' && Number.isFinite(v));
}

/** Candidate property names in order of preference, matched case-insensitively against the first feature. */
function candidates(features: RawFeature[], names: string[], pattern: RegExp, late: string[]): string[] {
  const keys = Object.keys(features[0]?.properties ?? {});
  const pick = (n: string) => keys.find((k) => k.toLowerCase() === n);
  return [...names.map(pick), ...keys.filter((k) => pattern.test(k)), ...late.map(pick)].filter((k): k is string => k !== undefined);
}

function detectIdProp(features: RawFeature[]): string {
  const tried = [...new Set([...candidates(features, ID_NAMES, ID_PATTERN, ID_LATE), FEATURE_ID])];
  for (const prop of tried) {
    const values = features.map((f) => propValue(f, prop));
    if (values.every(present) && new Set(values.map(String)).size === values.length) return prop;
  }
  const keys = Object.keys(features[0]?.properties ?? {});
  throw new ZoneError(`cannot tell which property identifies the zones (none of ${tried.join(', ')} is present and unique in every feature); pass --id-prop (properties: ${keys.join(', ') || 'none'})`);
}

function detectNameProp(features: RawFeature[], idProp: string): string | null {
  for (const prop of candidates(features, NAME_NAMES, NAME_PATTERN, [])) {
    if (prop.toLowerCase() !== idProp.toLowerCase() && features.every((f) => present(propValue(f, prop)))) return prop;
  }
  return null;
}

function idOf(f: RawFeature, prop: string, index: number): string {
  const v = propValue(f, prop);
  if (!present(v)) {
    const keys = Object.keys(f.properties ?? {});
    throw new ZoneError(`feature #${index} has no ${prop} (properties: ${keys.join(', ') || 'none'})`, { feature: index });
  }
  return String(v).trim();
}

function nameOf(f: RawFeature, prop: string, label: string): string {
  const v = propValue(f, prop);
  if (!present(v)) throw new ZoneError(`${label} has no ${prop} for its name`);
  return String(v).trim();
}

function checkGeometry(g: unknown, label: string, zoneId: string, feature: number): Polygon | MultiPolygon {
  const fail = (why: string): never => {
    throw new ZoneError(`${label}: ${why}`, { feature, zoneId });
  };
  if (g === null || typeof g !== 'object') return fail('has no geometry');
  const { type, coordinates } = g as { type?: unknown; coordinates?: unknown };
  if (type !== 'Polygon' && type !== 'MultiPolygon') return fail(`is a ${String(type)}; zones must be Polygon or MultiPolygon`);
  if (!Array.isArray(coordinates) || coordinates.length === 0) return fail(`${type} has no coordinates`);
  const polygons = (type === 'Polygon' ? [coordinates] : coordinates) as unknown[];
  const checked = polygons.map((poly, p) => {
    if (!Array.isArray(poly) || poly.length === 0) return fail(`polygon ${p + 1} has no rings`);
    return poly.map((ring, r) => checkRing(ring, `ring ${r + 1} of polygon ${p + 1}`, fail));
  });
  return type === 'Polygon' ? { type, coordinates: checked[0]! } : { type, coordinates: checked };
}

/** A ring of [lon, lat] positions, closed (a copy with the first position appended when open). */
function checkRing(ring: unknown, where: string, fail: (why: string) => never): Position[] {
  if (!Array.isArray(ring)) return fail(`${where} is not an array of positions`);
  for (const pos of ring as unknown[]) {
    if (!Array.isArray(pos) || pos.length < 2 || !Number.isFinite(pos[0]) || !Number.isFinite(pos[1])) {
      return fail(`${where} has a position that is not [longitude, latitude]: ${JSON.stringify(pos)}`);
    }
    const [lon, lat] = pos as number[];
    if (Math.abs(lon!) > 180 || Math.abs(lat!) > 90) {
      return fail(`${where} has coordinates (${lon}, ${lat}) that are not longitude/latitude; reproject the file to WGS84 (EPSG:4326)`);
    }
  }
  const positions = ring as Position[];
  const first = positions[0];
  const last = positions[positions.length - 1];
  const closed = first !== undefined && last !== undefined && first[0] === last[0] && first[1] === last[1];
  const out = closed ? positions : [...positions, first!];
  if (out.length < 4) return fail(`${where} has ${positions.length} positions; a ring needs at least 3 distinct corners`);
  return out;
}
