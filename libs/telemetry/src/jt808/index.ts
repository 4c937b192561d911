export * from './types';
export { decodeJt808Frame, decodeJt808Body } from './decode';
export { jt808Escape, jt808Unescape, xorChecksum } from './framing';
export { jt808LocationToFix, jt808LocationToCandidate } from './to-fix';
export * from './encode';
export { Jt808FrameReader, type FrameReaderDrop } from './frame-reader';
export { SubpackageAssembler, DEFAULT_SUBPACKAGE_LIMITS, type SubpackageLimits, type SubpackageDrop } from './subpackages';
export { Jt808Session, type SessionAction, type SessionRefusal, type PendingOrder } from './session';
export { JT808_ALARM_BITS, jt808AlarmBit, alarmBitsOf, alarmTransitions, type Jt808AlarmBit, type AlarmReport, type AlarmState, type AlarmRaise, type AlarmClear, type AlarmTransitions } from './alarms';
