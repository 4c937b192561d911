/**
 * Coordinate reference systems a payload may declare (domain.md §6). Terminals report raw GNSS (WGS-84);
 * positions copied from Chinese web maps (AMap, Tencent) are GCJ-02, from Baidu maps BD-09. Every point
 * is stored in WGS-84, converted at the edge.
 */
export const CRS_VALUES = ['WGS84', 'GCJ02', 'BD09'] as const;
export type CRS = (typeof CRS_VALUES)[number];
export const DEFAULT_CRS: CRS = 'WGS84';

export function isCrs(v: unknown): v is CRS {
  return v === 'WGS84' || v === 'GCJ02' || v === 'BD09';
}
