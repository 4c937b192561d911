import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TOPIC_PREFIX } from './topics';
import { UNIT_STATUSES } from './unit-status';

/** docs/asyncapi.yaml is the published form of this lib: these checks catch drift between the two. */
const doc = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'asyncapi.yaml'), 'utf8');

describe('docs/asyncapi.yaml agrees with @rescue/contracts', () => {
  it('is AsyncAPI 3', () => expect(doc).toMatch(/^asyncapi: 3\.0\.0$/m));

  it.each([[`${TOPIC_PREFIX}/{unitId}/position`], [`${TOPIC_PREFIX}/{unitId}/status`], [`${TOPIC_PREFIX}/{unitId}/presence`], ['owntracks/{user}/{device}']])(
    'declares channel %s',
    (address) => expect(doc).toContain(`address: ${address}`),
  );

  it('lists exactly the unit statuses of the code, in order', () => {
    const block = /UnitStatus:[\s\S]*?enum:\n((?:\s+- \w+\n)+)/.exec(doc);
    expect(block).not.toBeNull();
    const values = block![1]!.trim().split('\n').map((l) => l.trim().replace(/^- /, ''));
    expect(values).toEqual([...UNIT_STATUSES]);
  });

  it('documents QoS 1, the Last Will and the shared subscription', () => {
    expect(doc).toContain('qos: 1');
    expect(doc).toMatch(/lastWill:\n\s+topic: ems\/v1\/units\/\{unitId\}\/presence\n\s+qos: 1\n\s+message: offline\n\s+retain: true/);
    expect(doc).toContain('$share/<group>/ems/v1/units/+/position');
  });
});
