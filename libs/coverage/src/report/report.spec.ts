import { uniformClassifier } from '../area-classes';
import { analyseCoverage } from '../coverage-analysis';
import { parseRule } from '../rules';
import { handMap } from '../testing/line-map';
import { renderReportHtml } from './html-report';
import { demandCsv, roadsGeoJson, toCsv } from './report-tables';

describe('report tables', () => {
  it('CSV quotes commas, quotes and newlines; unreached (Infinity) is empty', () => {
    expect(toCsv([{ a: 'x,y', b: 'say "hi"', c: Infinity, d: null, e: 'l1\nl2' }])).toBe('a,b,c,d,e\n"x,y","say ""hi""",,,"l1\nl2"\n');
  });

  const g = handMap({ a: [0, 0], b: [0, 0.01] }, [{ nodes: 'ab', tags: { highway: 'residential' } }]);
  const a = analyseCoverage(
    g,
    parseRule({ id: 't', name: '</script><script>alert(1)</script>', limits: { '*': { maxTimeS: 60 } } }),
    [{ id: 'S', name: 'Station <b>', lat: 0, lon: 0 }],
    { kind: 'incidents', unit: 'incidents', source: 'h', points: [{ id: 'near', lat: 0, lon: 0.001, weight: 1 }, { id: 'far', lat: 0, lon: 0.009, weight: 3 }, { id: 'off', lat: 1, lon: 1, weight: 1 }] },
    uniformClassifier('urban'),
    { snapMaxM: 50 },
  );

  it('demand CSV has one row per point, unreached times empty', () => {
    const lines = demandCsv(a).trim().split('\n');
    expect(lines).toHaveLength(4);
    const off = lines.find((l) => l.includes(',off,'))!;
    expect(off).toMatch(/,off,1,,urban,,,,/);
  });

  it('roads keep both ends of every piece', () => {
    const r = roadsGeoJson(g);
    expect(r.geometry.coordinates).toHaveLength(1);
    expect(r.geometry.coordinates[0]![0]).toEqual([0, 0]);
    expect(r.geometry.coordinates[0]!.at(-1)).toEqual([0.01, 0]);
  });

  it('HTML escapes names and cannot be broken out of its script', () => {
    const html = renderReportHtml(
      { title: 'T <i>', region: 'r', analysis: a, roads: roadsGeoJson(g), areas: { type: 'FeatureCollection', features: [] }, isochrones: { type: 'FeatureCollection', features: [] }, siting: [], notes: ['n & m'], generatedAt: '2026-11-23' },
      { leafletJs: '/* leaflet */', leafletCss: '' },
    );
    expect(html).toContain('Station &lt;b&gt;');
    expect(html).toContain('T &lt;i&gt;');
    expect(html).toContain('n &amp; m');
    // The only </script> tags are the two that close our own script elements.
    expect(html.match(/<\/script>/g)).toHaveLength(2);
    expect(html).toContain('© OpenStreetMap contributors');
    expect(html).toMatch(/Weighted compliance: <span class="big">20\.0 %<\/span>/);
  });
});
