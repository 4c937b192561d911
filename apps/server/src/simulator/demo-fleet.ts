import type { StationRow } from '@rescue/persistence';

/**
 * Demo stations in Andorra, the default shipped extract (© OpenStreetMap contributors): the main
 * towns of each parish, urban in the valley floor, rural up the side valleys. Coordinates are the
 * town centres, not real EMS bases.
 */
export const DEMO_STATIONS: StationRow[] = [
  { id: 'ST-ALV', name: 'Andorra la Vella', lat: 42.5063, lon: 1.5218, areaClass: 'urban' },
  { id: 'ST-ESC', name: 'Escaldes-Engordany', lat: 42.5096, lon: 1.5387, areaClass: 'urban' },
  { id: 'ST-SJL', name: 'Sant Julià de Lòria', lat: 42.4636, lon: 1.4913, areaClass: 'urban' },
  { id: 'ST-ENC', name: 'Encamp', lat: 42.5347, lon: 1.5801, areaClass: 'rural' },
  { id: 'ST-MAS', name: 'La Massana', lat: 42.5449, lon: 1.5148, areaClass: 'rural' },
  { id: 'ST-ORD', name: 'Ordino', lat: 42.5562, lon: 1.5332, areaClass: 'rural' },
  { id: 'ST-CAN', name: 'Canillo', lat: 42.5676, lon: 1.5976, areaClass: 'rural' },
];

export interface DemoHospital {
  id: string;
  name: string;
  lat: number;
  lon: number;
}

/**
 * Where simulated units take patients. Andorra has one general hospital with an emergency department,
 * Hospital Nostra Senyora de Meritxell in Escaldes-Engordany: the centroid of its OSM area (way
 * 194554955, amenity=hospital; © OpenStreetMap contributors), which snaps to Avinguda Fiter i Rossell
 * 22 m away. The extract's other amenity=hospital objects are unnamed nodes up the valleys (not
 * emergency departments), so they are not used. Outside Andorra (another OSM_EXTRACT) units fall back
 * to driving straight (see trip-planner.ts); a deployment gives its own list.
 */
export const DEMO_HOSPITALS: DemoHospital[] = [
  { id: 'H-NSM', name: 'Hospital Nostra Senyora de Meritxell', lat: 42.5116, lon: 1.534 },
];

/**
 * The demo's receiving hospitals for the board (issue 14), written into an empty registry. Only the first
 * is real (above; its certified centres are assumed for the demo); the two others are fictitious
 * (名称带"演示"), placed at town centres so the ranking and the centre filter have something to choose.
 */
export const DEMO_HOSPITAL_REGISTRY = [
  { id: 'H-NSM', name: 'Hospital Nostra Senyora de Meritxell', grade: '三级', address: 'Av. Fiter i Rossell, Escaldes-Engordany', capabilities: ['chest-pain', 'stroke', 'trauma', 'critical-maternal', 'critical-neonatal'], lat: 42.5116, lon: 1.534 },
  { id: 'H-DEMO-SJL', name: '演示医院 Sant Julià (demo)', grade: '二级', address: 'Sant Julià de Lòria', capabilities: ['trauma'], lat: 42.4636, lon: 1.4913 },
  { id: 'H-DEMO-MAS', name: '演示医院 La Massana (demo)', grade: '二级', address: 'La Massana', capabilities: ['chest-pain', 'critical-maternal'], lat: 42.5449, lon: 1.5148 },
];

export interface DemoUnit {
  id: string;
  name: string;
  stationId: string;
  capabilities: string[];
}

/** n demo ambulances spread over the stations; every third one advanced life support. */
export function demoUnits(n: number): DemoUnit[] {
  return Array.from({ length: n }, (_, i) => {
    const station = DEMO_STATIONS[i % DEMO_STATIONS.length];
    const id = `AMB-${String(i + 1).padStart(2, '0')}`;
    return { id, name: `${station.name} ${Math.floor(i / DEMO_STATIONS.length) + 1}`, stationId: station.id, capabilities: i % 3 === 0 ? ['als'] : [] };
  });
}
