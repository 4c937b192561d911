import { t } from './i18n.js';
import { api } from './util.js';

const L = window.L;
const ROAD_STYLE = {
  major: { color: '#e39b2d', weight: 3.2, opacity: 0.95 },
  secondary: { color: '#8d8d8d', weight: 2, opacity: 0.9 },
  minor: { color: '#b5b5b5', weight: 1.2, opacity: 0.9 },
};
const ONLINE_TILES = 'https://tile.openstreetmap.org/{z}/{x}/{y}.png';

/**
 * The map with the offline basemap: roads of the loaded extract drawn from /console/roads on a
 * canvas, stations from /console/stations. No tile layer unless the operator ticks "online tiles".
 */
export async function createMap() {
  const map = L.map('map', { zoomControl: true, preferCanvas: false, attributionControl: true });
  map.attributionControl.setPrefix('Leaflet');
  const [info, roads, st] = await Promise.all([api('/routing/info'), api('/console/roads'), api('/console/stations')]);
  const [minLon, minLat, maxLon, maxLat] = info.bbox;
  map.fitBounds([[minLat, minLon], [maxLat, maxLon]]);
  const canvas = L.canvas({ padding: 0.3 });
  const roadLayer = L.geoJSON(roads, {
    renderer: canvas,
    interactive: false,
    style: (f) => ROAD_STYLE[f.properties.roadClass] ?? ROAD_STYLE.minor,
    attribution: `<a href="https://www.openstreetmap.org/copyright" target="_blank" rel="noopener">${info.attribution.replace('©', '© ')}</a>`,
  }).addTo(map);
  // draw fast roads on top
  roadLayer.eachLayer((l) => l.feature.properties.roadClass === 'major' && l.bringToFront());

  const stationLayer = L.layerGroup().addTo(map);
  for (const s of st.stations) {
    L.marker([s.lat, s.lon], {
      icon: L.divIcon({ className: 'station-icon', iconSize: [12, 12], html: `<div class="station-sq"></div><span class="station-label">${s.name}</span>` }),
      keyboard: false,
      interactive: false,
    }).addTo(stationLayer);
  }

  let tiles = null;
  const box = document.getElementById('online-tiles');
  box.checked = false;
  box.addEventListener('change', () => {
    if (box.checked) {
      tiles = L.tileLayer(ONLINE_TILES, { maxZoom: 19, attribution: '© OpenStreetMap contributors', opacity: 0.8 }).addTo(map);
      tiles.bringToBack();
    } else if (tiles) {
      map.removeLayer(tiles);
      tiles = null;
    }
  });
  return { map, info, stations: st.stations, roadLayer, stationLayer };
}

export { L, t };
