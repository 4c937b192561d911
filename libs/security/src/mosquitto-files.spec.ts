import { hashPassword } from './device-credentials';
import { mosquittoFiles, unitPublishTopics } from './mosquitto-files';

describe('mosquitto files', () => {
  it('unit topics include the OwnTracks topic only for ids of that shape', () => {
    expect(unitPublishTopics('AMB01')).toEqual(['ems/v1/units/AMB01/position', 'ems/v1/units/AMB01/status', 'ems/v1/units/AMB01/presence']);
    expect(unitPublishTopics('alice-pixel-7')).toContain('owntracks/alice/pixel-7');
    expect(unitPublishTopics('-x')).toHaveLength(3);
  });

  it('keeps units and services in separate files, with explicit per-user ACL blocks', async () => {
    const h = await hashPassword('x');
    const units = [{ unitId: 'AMB-01', passwordHash: h }];
    const services = [{ username: 'rescue.ingest', passwordHash: h, roles: ['ingest'] as const }];
    const f = mosquittoFiles(units, services);
    expect(f.unitsPasswd).toBe(`AMB-01:${h}\n`);
    expect(f.servicesPasswd).toBe(`rescue.ingest:${h}\n`);
    expect(f.unitsAcl).toContain('user AMB-01\ntopic write ems/v1/units/AMB-01/position\ntopic write ems/v1/units/AMB-01/status\ntopic write ems/v1/units/AMB-01/presence\ntopic write owntracks/AMB/01\n');
    expect(f.servicesAcl).toContain('user rescue.ingest\ntopic read ems/v1/units/+/position\n');
    // The terminal listener's files know no service and the service listener's no unit.
    expect(f.unitsPasswd + f.unitsAcl).not.toContain('rescue.ingest');
    expect(f.servicesPasswd + f.servicesAcl).not.toContain('AMB-01');
    // a unit reads its own orders and nothing else
    expect(f.unitsAcl.match(/topic read .*/g)).toEqual(['topic read ems/v1/units/AMB-01/commands']);
    for (const acl of [f.unitsAcl, f.servicesAcl]) expect(acl).not.toMatch(/^pattern/m);
  });

  it('gateways read every unit\'s orders and write the unit trees; orders services write command topics only', async () => {
    const h = await hashPassword('x');
    const f = mosquittoFiles([], [
      { username: 'rescue.jt808', passwordHash: h, roles: ['gateway'] },
      { username: 'rescue.app', passwordHash: h, roles: ['ingest', 'orders'] },
    ]);
    expect(f.servicesAcl).toContain('user rescue.jt808\ntopic write ems/v1/units/#\ntopic write owntracks/#\ntopic read ems/v1/units/+/commands\n');
    expect(f.servicesAcl).toMatch(/user rescue\.app\n(topic read [^\n]+\n)+topic write ems\/v1\/units\/\+\/commands\n/);
  });

  it('writes empty password files when there is nobody to list', () => {
    const f = mosquittoFiles([], []);
    expect(f.unitsPasswd).toBe('');
    expect(f.servicesPasswd).toBe('');
  });

  it('refuses bad ids, bad hashes, duplicates and unit-shaped service names', async () => {
    const h = await hashPassword('x');
    expect(() => mosquittoFiles([{ unitId: 'a/b', passwordHash: h }], [])).toThrow(/not a valid unit id/);
    expect(() => mosquittoFiles([{ unitId: 'a', passwordHash: 'plain' }], [])).toThrow(/\$7\$/);
    expect(() => mosquittoFiles([{ unitId: 'a', passwordHash: h }, { unitId: 'a', passwordHash: h }], [])).toThrow(/twice/);
    const svc = { username: 'rescue.ingest', passwordHash: h, roles: ['ingest'] as const };
    expect(() => mosquittoFiles([], [svc, svc])).toThrow(/twice/);
    expect(() => mosquittoFiles([], [{ username: 'ingest', passwordHash: h, roles: ['ingest'] }])).toThrow(/name\.role/);
  });
});
