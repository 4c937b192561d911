/**
 * Published WGS-84 / GCJ-02 / BD-09 triples of Chinese city centres, from the test fixtures of the
 * gcoord converter (github.com/hujiulong/gcoord, test/fixtures/china-cities.json, MIT licence; values
 * as published, rounded there to 1e-7°). [lon, lat] as in the source.
 */
export interface DatumVector {
  name: string;
  WGS84: [number, number];
  GCJ02: [number, number];
  BD09: [number, number];
}

export const DATUM_VECTORS: readonly DatumVector[] = [
  { name: '驻马店市', WGS84: [114.0164322, 33.0133556], GCJ02: [114.022306, 33.0115324], BD09: [114.0287781, 33.0176697] },
  { name: '邵阳市', WGS84: [111.4622119, 27.242124], GCJ02: [111.4677938, 27.2388981], BD09: [111.4742271, 27.2451662] },
  { name: '邢台市', WGS84: [114.498916, 37.0700925], GCJ02: [114.5048503, 37.0705911], BD09: [114.5113116, 37.0766797] },
  { name: '那曲地区', WGS84: [92.0499619, 31.4784436], GCJ02: [92.0512438, 31.4762063], BD09: [92.0576832, 31.4824421] },
  { name: '郑州市', WGS84: [113.6192856, 34.7478004], GCJ02: [113.6253334, 34.7466173], BD09: [113.6317519, 34.7528605] },
  { name: '沈阳市', WGS84: [123.4253306, 41.8032629], GCJ02: [123.4314787, 41.8057023], BD09: [123.438095, 41.8114013] },
  { name: '锡林郭勒盟', WGS84: [116.0414035, 43.9312805], GCJ02: [116.0482308, 43.9334573], BD09: [116.0546232, 43.9397782] },
  { name: '汕头市', WGS84: [116.6775114, 23.3567569], GCJ02: [116.6819735, 23.3540964], BD09: [116.6885014, 23.3598884] },
  { name: '酒泉市', WGS84: [98.4937175, 39.7319946], GCJ02: [98.4943595, 39.7328234], BD09: [98.5008441, 39.7388949] },
  { name: '钦州市', WGS84: [108.6503952, 21.9828281], GCJ02: [108.6541485, 21.9799392], BD09: [108.6607283, 21.9856319] },
];
