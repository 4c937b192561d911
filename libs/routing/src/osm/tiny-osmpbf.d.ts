// tiny-osmpbf ships no types; this covers the part we call (handler form, OSM-JSON elements).
declare module 'tiny-osmpbf' {
  interface OsmJsonMember { type: 'node' | 'way' | 'relation'; ref: number; role: string }
  export interface OsmJsonElement {
    type: 'node' | 'way' | 'relation';
    id: number;
    lat?: number;
    lon?: number;
    nodes?: number[];
    members?: OsmJsonMember[];
    tags?: Record<string, string>;
  }
  function tinyosmpbf(data: Uint8Array, handler?: (e: OsmJsonElement) => void): unknown;
  export = tinyosmpbf;
}
