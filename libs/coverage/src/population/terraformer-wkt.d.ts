// @terraformer/wkt ships no types: the one function used here (WKT text → GeoJSON geometry; throws on bad text).
declare module '@terraformer/wkt' {
  export function wktToGeoJSON(wkt: string): { type: string; coordinates: unknown };
}
