import { ConfigError, loadConfig } from './config';

describe('INGEST_CLIENT_ID', () => {
  it('defaults to an id no unit can have (it holds a dot)', () => {
    expect(loadConfig({}).ingestClientId).toBe('rc.ingest-1');
  });

  it('accepts ids with a dot and refuses unit-shaped ids, unit-owned ids and odd characters', () => {
    expect(loadConfig({ INGEST_CLIENT_ID: 'site.ingest-2' }).ingestClientId).toBe('site.ingest-2');
    for (const bad of ['rescue-circle-ingest-1', 'AMB-01:ingest.x', 'rc.ingest/1', 'rc.ingest#', `rc.${'x'.repeat(62)}`]) {
      expect(() => loadConfig({ INGEST_CLIENT_ID: bad })).toThrow(ConfigError);
    }
  });
});
