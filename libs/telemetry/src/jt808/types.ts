/** JT/T 808 messages as decoded (domain.md §5). Numbers in their physical units; raw codes kept too. */

/** 2011 and 2013 share one header layout; 2019 is flagged by bodyAttr bit 14. */
export type Jt808HeaderVersion = '2013' | '2019';

export interface Jt808Header {
  msgId: number;
  /** Body length declared in bodyAttr bits 0-9. */
  bodyLength: number;
  /** bodyAttr bits 10-12: 0 none, 1 RSA. */
  encryption: number;
  headerVersion: Jt808HeaderVersion;
  /** The 2019 protocol version byte; null for 2011/2013. */
  protocolVersion: number | null;
  /** Terminal phone number (SIM), BCD digits as sent: 12 (2013) or 20 (2019). */
  phone: string;
  /** Message serial number. */
  serial: number;
  /** Present when bodyAttr bit 13 (sub-package) is set. */
  subpackage: { total: number; seq: number } | null;
}

export interface Jt808ExtraItem {
  id: number;
  value: Uint8Array;
}

/** Body of 0x0200 (and of each item of a 0x0704 batch). */
export interface Jt808Location {
  alarm: number;
  status: number;
  /** status bit 1: the receiver has a fix. */
  positioned: boolean;
  /** status bit 2: latitude is south. */
  south: boolean;
  /** status bit 3: longitude is west. */
  west: boolean;
  /** status bit 5: coordinates went through the national confidentiality plug-in (GCJ-02 offset). */
  encryptedCoordinates: boolean;
  /** Degrees as on the wire (DWORD × 1e-6, unsigned). */
  latAbs: number;
  lonAbs: number;
  /** Signed degrees (south/west applied). */
  lat: number;
  lon: number;
  altitudeM: number;
  /** WORD × 0.1 km/h. */
  speedKmh: number;
  /** 0-359°, clockwise from north. */
  directionDeg: number;
  /** BCD[6] YYMMDDhhmmss as sent, Beijing time. */
  timeBeijing: string;
  /** The same instant, epoch ms UTC. */
  ts: number;
  /** Extra 0x01: odometer, km (DWORD × 0.1). */
  mileageKm: number | null;
  /** Extra 0x02: fuel, litres (WORD × 0.1). */
  fuelL: number | null;
  /** Extra 0x03: tachograph speed, km/h (WORD × 0.1). */
  tachographSpeedKmh: number | null;
  /** Extra 0x30: wireless signal strength. */
  signalStrength: number | null;
  /** Extra 0x31: GNSS satellites in use. */
  satellites: number | null;
  /** Every extra item in order, decoded or not. */
  extras: Jt808ExtraItem[];
  /** Why the extra items stopped early (an item cut or longer than the body); the fix itself stands. */
  extraError: string | null;
  /** The report's bytes (fixed part and extras), for a dead letter. */
  raw: Uint8Array;
}

export type Jt808Body =
  | { kind: 'location'; location: Jt808Location }
  | { kind: 'location_batch'; /** 0 normal batch, 1 blind-area re-upload */ batchType: number; locations: Jt808Location[] }
  | { kind: 'platform_general_response'; replySerial: number; replyMsgId: number; /** 0 ok, 1 fail, 2 bad message, 3 unsupported, 4 alarm confirmed */ result: number }
  | { kind: 'terminal_general_response'; replySerial: number; replyMsgId: number; result: number }
  | { kind: 'heartbeat' }
  | { kind: 'logout' }
  | { kind: 'register'; province: number; city: number; plateColor: number | null; plate: string | null }
  /** 0x0201: the answer to a platform position query (0x8201). */
  | { kind: 'position_answer'; replySerial: number; location: Jt808Location }
  | { kind: 'authentication'; authCode: string; imei: string | null; softwareVersion: string | null }
  /** A fragment of a sub-packaged message, or an encrypted body: only its bytes. */
  | { kind: 'opaque'; reason: 'subpackage' | 'encrypted'; bytes: Uint8Array }
  /** A message id we do not decode (yet): its bytes. */
  | { kind: 'other'; bytes: Uint8Array };

export interface Jt808Message {
  header: Jt808Header;
  body: Jt808Body;
  /** XOR checksum as sent (verified). */
  checksum: number;
  /** The body as received (unescaped), for relaying it unchanged. */
  bodyBytes: Uint8Array;
}

export const JT808_ERROR_CODES = [
  'not_framed',
  'bad_escape',
  'too_short',
  'bad_checksum',
  'body_length_exceeds_frame',
  'frame_longer_than_body',
  'bad_bcd',
  'bad_time',
  'bad_body',
] as const;
export type Jt808ErrorCode = (typeof JT808_ERROR_CODES)[number];

export interface Jt808Error {
  code: Jt808ErrorCode;
  detail: string;
}

export type Jt808DecodeResult = { ok: true; message: Jt808Message } | { ok: false; error: Jt808Error };

export const JT808_MSG = {
  terminalGeneralResponse: 0x0001,
  heartbeat: 0x0002,
  logout: 0x0003,
  register: 0x0100,
  authentication: 0x0102,
  location: 0x0200,
  positionQueryAnswer: 0x0201,
  locationBatch: 0x0704,
  platformGeneralResponse: 0x8001,
  registerResponse: 0x8100,
  positionQuery: 0x8201,
  textMessage: 0x8300,
} as const;
