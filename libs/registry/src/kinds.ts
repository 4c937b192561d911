import { isUnitId } from '@rescue/contracts';
import { oneOf, Problem, text, vocabulary } from './fields';
import { type ImportCrs, LAT_HEADERS, LON_HEADERS, readLocation } from './location';
import type { FieldSpec } from './mapping';
import type { RowReader } from './row-errors';

/**
 * The three registries a centre keeps (issue 13): what each row holds, its default Chinese and English
 * headers, and how one row becomes a record. Records are flat so that a re-import compares field by field.
 */
export type RegistryKind = 'stations' | 'units' | 'hospitals';
export const REGISTRY_KINDS: readonly RegistryKind[] = ['stations', 'units', 'hospitals'];

export interface StationRecord {
  id: string;
  name: string;
  /** 类型/级别 as the centre names it (e.g. 中心站, 分站, 网络医院). */
  kind: string | null;
  address: string | null;
  areaClass: string;
  lat: number;
  lon: number;
  inputCrs: ImportCrs;
  inputLat: number;
  inputLon: number;
}

export interface UnitRecord {
  id: string;
  name: string | null;
  plate: string | null;
  stationId: string | null;
  capabilities: string[];
  terminalKind: string | null;
  terminalId: string | null;
}

export interface HospitalRecord {
  id: string;
  name: string;
  grade: string | null;
  address: string | null;
  capabilities: string[];
  lat: number;
  lon: number;
  inputCrs: ImportCrs;
  inputLat: number;
  inputLon: number;
}

export type RegistryRecord = StationRecord | UnitRecord | HospitalRecord;

/** Ids of stations and hospitals: the centre's own codes, letters (any script), digits, _ . - */
const REGISTRY_ID = /^[\p{L}\p{N}_.-]{1,64}$/u;

function registryId(raw: string) {
  return REGISTRY_ID.test(raw) ? raw : new Problem(`编号 "${raw}" 无效：1-64 个字母、数字或 _ . - (invalid id)`);
}

export const AREA_CLASSES: Record<string, readonly string[]> = {
  urban: ['城区', '城市', '市区', 'city'],
  rural: ['农村', '乡村', '郊区', '县域', 'county'],
  others: ['其他', '山区', 'other'],
};

/** Unit capabilities: codes the dispatch matcher uses (als, bls, negative-pressure). */
export const UNIT_CAPABILITIES: Record<string, readonly string[]> = {
  als: ['高级生命支持', '监护型', 'ALS', '监护'],
  bls: ['基础生命支持', '普通型', 'BLS', '转运型'],
  'negative-pressure': ['负压', '负压车', '负压救护车', 'negative_pressure', 'NP'],
  neonatal: ['新生儿', '新生儿转运'],
};

/** Certified centres of a hospital (domain.md §4b). */
export const HOSPITAL_CAPABILITIES: Record<string, readonly string[]> = {
  'chest-pain': ['胸痛中心', '胸痛', 'chest_pain'],
  stroke: ['卒中中心', '卒中', 'stroke_centre'],
  trauma: ['创伤中心', '创伤', 'trauma_centre'],
  'critical-maternal': ['危重孕产妇', '危重孕产妇救治中心', '孕产妇'],
  'critical-neonatal': ['危重新生儿', '危重新生儿救治中心', '新生儿'],
};

export const TERMINAL_KINDS: Record<string, readonly string[]> = {
  mqtt: ['MQTT', 'json'],
  jt808: ['JT808', 'JT/T 808', 'JT/T808', '部标', '808'],
  owntracks: ['OwnTracks', '手机'],
};

const locFields: FieldSpec[] = [
  { name: 'lat', headers: LAT_HEADERS },
  { name: 'lon', headers: LON_HEADERS },
];

export const FIELDS: Record<RegistryKind, readonly FieldSpec[]> = {
  stations: [
    { name: 'id', headers: ['站点编号', '编号', '站点ID', 'station_id'], required: true },
    { name: 'name', headers: ['站点名称', '名称', 'station_name'], required: true },
    { name: 'kind', headers: ['站点类型', '类型', '级别', 'type', 'tier'] },
    { name: 'address', headers: ['地址', '站点地址'] },
    { name: 'areaClass', headers: ['区域类型', '城乡类型', 'area_class'] },
    ...locFields,
  ],
  units: [
    { name: 'id', headers: ['车辆编号', '编号', '车辆ID', 'unit_id'], required: true },
    { name: 'name', headers: ['车辆名称', '名称', '呼号'] },
    { name: 'plate', headers: ['车牌号', '车牌', '车牌号码'] },
    { name: 'stationId', headers: ['所属站点', '站点编号', '所属分站', 'station_id', 'station'] },
    { name: 'capabilities', headers: ['车辆能力', '车辆类型', '能力'] },
    { name: 'terminalKind', headers: ['终端类型', 'terminal_kind'] },
    { name: 'terminalId', headers: ['终端编号', '终端手机号', 'SIM卡号', 'terminal_id'] },
  ],
  hospitals: [
    { name: 'id', headers: ['医院编号', '编号', '医院ID', 'hospital_id'], required: true },
    { name: 'name', headers: ['医院名称', '名称', 'hospital_name'], required: true },
    { name: 'grade', headers: ['医院等级', '等级', 'level'] },
    { name: 'address', headers: ['地址', '医院地址'] },
    { name: 'capabilities', headers: ['救治中心', '中心资质', '能力'] },
    ...locFields,
  ],
};

const opt = <T>(v: T | undefined): T | null => (v === undefined ? null : v);

/** Without location columns (an update of names only) the record's location is NaN, and not compared. */
const NO_LOCATION = { lat: Number.NaN, lon: Number.NaN, crs: 'WGS84' as ImportCrs, inputLat: Number.NaN, inputLon: Number.NaN };

export function parseStation(r: RowReader, crs: ImportCrs, hasLocation: boolean): StationRecord | null {
  const id = r.get('id', registryId, true);
  const name = r.get('name', (s) => text(s, 100), true);
  const kind = r.get('kind', (s) => text(s, 50));
  const address = r.get('address', (s) => text(s, 200));
  const areaClass = r.get('areaClass', (s) => oneOf(s, AREA_CLASSES, '区域类型'));
  const loc = hasLocation ? readLocation(r, crs, true) : NO_LOCATION;
  if (r.errors.length > 0 || id === undefined || name === undefined || !loc) return null;
  return { id, name, kind: opt(kind), address: opt(address), areaClass: areaClass ?? 'urban', lat: loc.lat, lon: loc.lon, inputCrs: loc.crs, inputLat: loc.inputLat, inputLon: loc.inputLon };
}

export function parseUnit(r: RowReader): UnitRecord | null {
  const id = r.get('id', (s) => (isUnitId(s) ? s : new Problem(`车辆编号 "${s}" 无效：1-64 个 A-Z a-z 0-9 _ - (它也是 MQTT 用户名)`)), true);
  const name = r.get('name', (s) => text(s, 100));
  const plate = r.get('plate', (s) => text(s, 20));
  const stationId = r.get('stationId', registryId);
  const capabilities = r.get('capabilities', (s) => vocabulary(s, UNIT_CAPABILITIES, '车辆能力'));
  const terminalKind = r.get('terminalKind', (s) => oneOf(s, TERMINAL_KINDS, '终端类型'));
  const terminalId = r.get('terminalId', (s) => (/^[0-9A-Za-z_-]{1,32}$/.test(s) ? s : new Problem(`终端编号 "${s}" 无效 (1-32 letters, digits, _ -)`)));
  if (r.errors.length > 0 || id === undefined) return null;
  return { id, name: opt(name), plate: opt(plate), stationId: opt(stationId), capabilities: capabilities ?? [], terminalKind: opt(terminalKind), terminalId: opt(terminalId) };
}

export function parseHospital(r: RowReader, crs: ImportCrs, hasLocation: boolean): HospitalRecord | null {
  const id = r.get('id', registryId, true);
  const name = r.get('name', (s) => text(s, 100), true);
  const grade = r.get('grade', (s) => text(s, 20));
  const address = r.get('address', (s) => text(s, 200));
  const capabilities = r.get('capabilities', (s) => vocabulary(s, HOSPITAL_CAPABILITIES, '救治中心'));
  const loc = hasLocation ? readLocation(r, crs, true) : NO_LOCATION;
  if (r.errors.length > 0 || id === undefined || name === undefined || !loc) return null;
  return { id, name, grade: opt(grade), address: opt(address), capabilities: capabilities ?? [], lat: loc.lat, lon: loc.lon, inputCrs: loc.crs, inputLat: loc.inputLat, inputLon: loc.inputLon };
}

export function parseRecord(kind: RegistryKind, r: RowReader, crs: ImportCrs, hasLocation: boolean): RegistryRecord | null {
  if (kind === 'stations') return parseStation(r, crs, hasLocation);
  if (kind === 'units') return parseUnit(r);
  return parseHospital(r, crs, hasLocation);
}
