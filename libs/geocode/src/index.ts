export { fold, compact, terms, queryTerms, isCjk, type Terms } from './tokenize';
export { FEATURE_KINDS, KIND_WEIGHT, kindOf, type FeatureKind } from './kinds';
export { namesOf, addressOf } from './names';
export { readPlaces, readPlacesAsync, type GeoFeature, type NamedRoad, type ExtractPlaces, type ExtractProgress } from './extract';
export { PlaceIndex, MATCH_BOOST, NEAR_SCALE_M, proximityBoost, type PlaceHit, type SearchOptions, type MatchKind } from './place-index';
export { RoadIndex, type NearestRoad } from './road-index';
export { Geocoder, type GeocoderStats, type ReverseResult } from './geocoder';
export { DATUMS, parseDatum, parseCoordinates, type Datum, type AxisOrder, type ParsedCoordinates, type ParseHint } from './parse-coordinates';
