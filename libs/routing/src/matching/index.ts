export { matchTrack, keepMoving, estimateSigma, defaultBeta, type TrackPoint, type MatchOptions, type MatchResult, type MatchedSegment, type MatchedPoint } from './match';
export type { EdgeTraversal } from './assemble';
export { candidatesNear } from './candidates';
