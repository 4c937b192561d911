import { DomainError } from '@rescue/common';

/** Stable codes: the CLI and the HTTP layer branch on these, never on messages. */
export type CoverageErrorCode =
  | 'BAD_RULE' // a rule (preset name or custom JSON) is unknown or malformed
  | 'BAD_AREAS' // area-class polygons are not valid GeoJSON polygons with an areaClass
  | 'BAD_DEMAND' // demand CSV/GeoJSON is malformed (line/feature named in the message)
  | 'BAD_STATIONS' // station list malformed or empty
  | 'BAD_INPUT' // any other out-of-range argument
  | 'NO_ROAD' // a station cannot be placed on the road network
  | 'SOLVER_FAILED'; // the ILP solver could not be loaded or returned no solution

export class CoverageError extends DomainError<CoverageErrorCode> {}
