import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_TYPES, EVENT_VERSION } from './events';
import { HEADER_ATTEMPT, HEADER_EVENT_ID, HEADER_EVENT_TYPE, HEADER_SIGNATURE, HEADER_TIMESTAMP } from './signature';
import { hospitalAssignedEvent, newTaskEvents, positionEvent, statusChangeEvents } from './task-events';

/** docs/webhooks.asyncapi.yaml is the published form of this lib: these checks catch drift. */
const doc = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'webhooks.asyncapi.yaml'), 'utf8');

/** Property names listed under `required:` of a schema block. */
function required(schema: string): string[] {
  const m = new RegExp(`\\n    ${schema}:\\n[\\s\\S]*?required: \\[([^\\]]*)\\]`).exec(doc);
  if (!m) throw new Error(`no schema ${schema}`);
  return m[1]!.split(',').map((s) => s.trim());
}

describe('docs/webhooks.asyncapi.yaml agrees with @rescue/webhooks', () => {
  it('is AsyncAPI 3 at the envelope version', () => {
    expect(doc).toMatch(/^asyncapi: 3\.0\.0$/m);
    expect(doc).toContain(`version: { type: integer, const: ${EVENT_VERSION} }`);
  });

  it('lists exactly the event types of the code, in order, each with a message', () => {
    const block = /EventType:\n\s+type: string\n\s+enum:\n((?:\s+- [\w.]+\n)+)/.exec(doc);
    expect(block).not.toBeNull();
    expect(block![1]!.trim().split('\n').map((l) => l.trim().replace(/^- /, ''))).toEqual([...EVENT_TYPES]);
    for (const t of EVENT_TYPES) expect(doc).toContain(`name: ${t}\n`);
  });

  it('names the headers the worker sends', () => {
    for (const h of [HEADER_EVENT_ID, HEADER_EVENT_TYPE, HEADER_TIMESTAMP, HEADER_SIGNATURE, HEADER_ATTEMPT]) {
      expect(doc.toLowerCase()).toContain(`${h}:`);
    }
  });

  it('requires exactly the data fields the producers fill', () => {
    const task = { id: 'T', unitId: 'U', stationId: null, state: 'active', priority: 1, emergency: true, incident: { lat: 1, lon: 2 }, requiredCapabilities: [], callTakenAt: 0, orderReceivedAt: 0 };
    const [created, assigned, unitStatus] = newTaskEvents(task, null, 0);
    expect(Object.keys(created!.data).sort()).toEqual(required('TaskCreated').sort());
    expect(Object.keys(assigned!.data).sort()).toEqual(required('TaskAssigned').sort());
    expect(Object.keys(unitStatus!.data).sort()).toEqual(required('StatusChange').sort());
    const [step, aborted] = statusChangeEvents({ unitId: 'U', taskId: 'T', from: 'on_scene', to: 'aborted', ts: 0, source: 'dispatcher', reason: 'x' });
    expect(Object.keys(step!.data).sort()).toEqual(required('StatusChange').sort());
    expect(Object.keys(aborted!.data).sort()).toEqual(required('TaskAborted').sort());
    const hospital = hospitalAssignedEvent({ taskId: 'T', hospitalId: 'H1', hospitalName: '第一人民医院', unitId: 'U', etaS: 600, ts: 0 });
    expect(Object.keys(hospital.data).sort()).toEqual([...required('TaskHospitalAssigned'), 'previousHospitalId'].sort());
    const pos = positionEvent({ unitId: 'U', ts: 0, lat: 1, lon: 2, speedKmh: null, headingDeg: null, status: null, taskId: null });
    expect(Object.keys(pos.data)).toEqual(expect.arrayContaining(required('UnitPosition')));
  });
});
