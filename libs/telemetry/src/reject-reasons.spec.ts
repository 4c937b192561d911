import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REJECT_REASONS } from './types';

describe('REJECT_REASONS', () => {
  it('are distinct snake_case metric labels', () => {
    expect(new Set(REJECT_REASONS).size).toBe(REJECT_REASONS.length);
    for (const r of REJECT_REASONS) expect(r).toMatch(/^[a-z]+(_[a-z]+)*$/);
  });
  it('are all documented in docs/asyncapi.yaml', () => {
    const doc = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'asyncapi.yaml'), 'utf8');
    const listed = /Reasons: ([a-z_,\s]+)\./.exec(doc)![1]!.split(',').map((s) => s.trim());
    expect(listed).toEqual([...REJECT_REASONS]);
  });
});
