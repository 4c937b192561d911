/**
 * The alarm flags of a JT/T 808 location report (DWORD "报警标志", JT/T 808-2013 table 24, kept in 2019),
 * and how a unit's sequence of reports becomes alarm events: an alarm is raised by the first report
 * with its bit set and cleared by the first later report without it (the terminal holds a bit while
 * the condition lasts).
 */
export interface Jt808AlarmBit {
  bit: number;
  /** Stable code for the API and metrics. */
  code: string;
  /** As the standard names it (what a centre's staff read). */
  zh: string;
  en: string;
  /** Worth a dispatcher's attention at once (the console puts these first, in red). */
  urgent: boolean;
}

/** Bits 15-17 are reserved; every other bit has a meaning in 2013 and 2019. */
export const JT808_ALARM_BITS: readonly Jt808AlarmBit[] = [
  { bit: 0, code: 'emergency', zh: '紧急报警', en: 'emergency (SOS)', urgent: true },
  { bit: 1, code: 'overspeed', zh: '超速报警', en: 'overspeed', urgent: false },
  { bit: 2, code: 'fatigue_driving', zh: '疲劳驾驶', en: 'fatigue driving', urgent: false },
  { bit: 3, code: 'danger_warning', zh: '危险预警', en: 'danger warning', urgent: true },
  { bit: 4, code: 'gnss_module_fault', zh: 'GNSS模块故障', en: 'GNSS module fault', urgent: false },
  { bit: 5, code: 'gnss_antenna_disconnected', zh: 'GNSS天线未接或被剪断', en: 'GNSS antenna disconnected or cut', urgent: false },
  { bit: 6, code: 'gnss_antenna_short', zh: 'GNSS天线短路', en: 'GNSS antenna short circuit', urgent: false },
  { bit: 7, code: 'power_undervoltage', zh: '终端主电源欠压', en: 'main power undervoltage', urgent: false },
  { bit: 8, code: 'power_off', zh: '终端主电源掉电', en: 'main power cut', urgent: false },
  { bit: 9, code: 'lcd_fault', zh: '终端LCD或显示器故障', en: 'display fault', urgent: false },
  { bit: 10, code: 'tts_fault', zh: 'TTS模块故障', en: 'TTS module fault', urgent: false },
  { bit: 11, code: 'camera_fault', zh: '摄像头故障', en: 'camera fault', urgent: false },
  { bit: 12, code: 'ic_card_fault', zh: '道路运输证IC卡模块故障', en: 'IC card module fault', urgent: false },
  { bit: 13, code: 'overspeed_warning', zh: '超速预警', en: 'overspeed warning', urgent: false },
  { bit: 14, code: 'fatigue_warning', zh: '疲劳驾驶预警', en: 'fatigue driving warning', urgent: false },
  { bit: 18, code: 'driving_overtime_today', zh: '当天累计驾驶超时', en: 'daily driving time exceeded', urgent: false },
  { bit: 19, code: 'parking_overtime', zh: '超时停车', en: 'parked too long', urgent: false },
  { bit: 20, code: 'area_in_out', zh: '进出区域', en: 'entered or left an area', urgent: false },
  { bit: 21, code: 'route_in_out', zh: '进出路线', en: 'entered or left a route', urgent: false },
  { bit: 22, code: 'route_time_abnormal', zh: '路段行驶时间不足/过长', en: 'route section time too short or too long', urgent: false },
  { bit: 23, code: 'route_deviation', zh: '路线偏离报警', en: 'off route', urgent: false },
  { bit: 24, code: 'vss_fault', zh: '车辆VSS故障', en: 'vehicle speed sensor fault', urgent: false },
  { bit: 25, code: 'fuel_abnormal', zh: '车辆油量异常', en: 'abnormal fuel level', urgent: false },
  { bit: 26, code: 'vehicle_stolen', zh: '车辆被盗', en: 'vehicle stolen', urgent: true },
  { bit: 27, code: 'illegal_ignition', zh: '车辆非法点火', en: 'illegal ignition', urgent: true },
  { bit: 28, code: 'illegal_movement', zh: '车辆非法位移', en: 'illegal movement', urgent: true },
  { bit: 29, code: 'collision', zh: '碰撞侧翻报警', en: 'collision or rollover', urgent: true },
  { bit: 30, code: 'rollover_warning', zh: '侧翻预警', en: 'rollover warning', urgent: true },
  { bit: 31, code: 'illegal_door_open', zh: '非法开门报警', en: 'door opened illegally', urgent: false },
];

const BY_BIT = new Map(JT808_ALARM_BITS.map((a) => [a.bit, a]));

/** The bit's meaning; a reserved bit gets a code of its own so it is never lost. */
export function jt808AlarmBit(bit: number): Jt808AlarmBit {
  return BY_BIT.get(bit) ?? { bit, code: `reserved_bit_${bit}`, zh: `保留位${bit}`, en: `reserved bit ${bit}`, urgent: false };
}

/** The bits set in an alarm word, lowest first. */
export function alarmBitsOf(flags: number): number[] {
  const out: number[] = [];
  for (let b = 0; b < 32; b++) if (((flags >>> b) & 1) === 1) out.push(b);
  return out;
}

/** One location report as far as alarms go. lat/lon null when the report had no position fix. */
export interface AlarmReport {
  ts: number;
  flags: number;
  lat: number | null;
  lon: number | null;
}

/** A unit's alarm state: the flags of its newest report and that report's time. */
export interface AlarmState {
  flags: number;
  ts: number;
}

export interface AlarmRaise {
  bit: number;
  ts: number;
  lat: number | null;
  lon: number | null;
  /** Found in a report older than the unit's state (a blind-area re-upload): already over. */
  late: boolean;
  /**
   * Set when the alarm is already over: a late episode ends at the first late report without the bit
   * (or the last late report); a live
   * alarm raised and cleared by reports of the same batch, at the report that cleared it.
   */
  clearedTs: number | null;
}

export interface AlarmClear {
  bit: number;
  ts: number;
}

export interface AlarmTransitions {
  raised: AlarmRaise[];
  /** Alarms open before these reports that they clear. */
  cleared: AlarmClear[];
  /** The state after these reports (unchanged when all were late). */
  next: AlarmState | null;
}

/**
 * What a unit's reports (any order, duplicates allowed) do to its alarms, given its state before.
 * Reports newer than the state move it: each bit that appears raises, each that goes away clears.
 * Reports not newer than the state (a resend, or a blind-area batch uploaded after live reports
 * resumed) never touch the current alarms, but an alarm found in them is not lost either: each run
 * of late reports holding a bit is one past episode, raised and cleared within the late reports.
 */
export function alarmTransitions(prev: AlarmState | null, reports: readonly AlarmReport[]): AlarmTransitions {
  const sorted = [...reports].sort((a, b) => a.ts - b.ts);
  const since = prev?.ts ?? -Infinity;
  const late = sorted.filter((r) => r.ts < since);
  const live = sorted.filter((r) => r.ts > since);
  const out: AlarmTransitions = { raised: [], cleared: [], next: prev };
  // Late: episodes among themselves, each closed by the first late report without the bit (or the last late one).
  const open = new Map<number, AlarmRaise>();
  for (const r of late) {
    for (const [bit, a] of open) {
      // cleared by the first late report without the bit, or as far as the late reports go
      a.clearedTs = r.ts;
      if (((r.flags >>> bit) & 1) === 0) open.delete(bit);
    }
    for (const bit of alarmBitsOf(r.flags)) {
      if (open.has(bit)) continue;
      // An alarm still open now is the same episode continuing: nothing to add.
      if (prev && ((prev.flags >>> bit) & 1) === 1) continue;
      const a: AlarmRaise = { bit, ts: r.ts, lat: r.lat, lon: r.lon, late: true, clearedTs: r.ts };
      open.set(bit, a);
      out.raised.push(a);
    }
  }
  let flags = prev?.flags ?? 0;
  // Raised by these reports: a clear among them closes the raise itself (one row, never two open).
  const raisedNow = new Map<number, AlarmRaise>();
  for (const r of live) {
    if (out.next && r.ts === out.next.ts) continue; // the same instant twice: a resend
    const changed = (flags ^ r.flags) >>> 0;
    for (const bit of alarmBitsOf(changed)) {
      if (((r.flags >>> bit) & 1) === 1) {
        const a: AlarmRaise = { bit, ts: r.ts, lat: r.lat, lon: r.lon, late: false, clearedTs: null };
        raisedNow.set(bit, a);
        out.raised.push(a);
      } else {
        const a = raisedNow.get(bit);
        if (a) {
          a.clearedTs = r.ts;
          raisedNow.delete(bit);
        } else out.cleared.push({ bit, ts: r.ts });
      }
    }
    flags = r.flags >>> 0;
    out.next = { flags, ts: r.ts };
  }
  return out;
}
