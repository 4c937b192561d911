export * from './types';
export { decodeJt808Frame } from './decode';
export { jt808Escape, jt808Unescape, xorChecksum } from './framing';
export { jt808LocationToFix, jt808LocationToCandidate } from './to-fix';
