import { hashPassword } from './device-credentials';
import { mosquittoAclFile, mosquittoPasswordFile, unitPublishTopics } from './mosquitto-files';

describe('mosquitto files', () => {
  it('unit topics include the OwnTracks topic only for ids of that shape', () => {
    expect(unitPublishTopics('AMB01')).toEqual(['ems/v1/units/AMB01/position', 'ems/v1/units/AMB01/status', 'ems/v1/units/AMB01/presence']);
    expect(unitPublishTopics('alice-pixel-7')).toContain('owntracks/alice/pixel-7');
    expect(unitPublishTopics('-x')).toHaveLength(3);
  });

  it('writes one password line per user and explicit per-user ACL blocks', async () => {
    const h = await hashPassword('x');
    const units = [{ unitId: 'AMB-01', passwordHash: h }];
    const services = [{ username: 'rescue.ingest', passwordHash: h, roles: ['ingest'] as const }];
    expect(mosquittoPasswordFile(units, services)).toBe(`rescue.ingest:${h}\nAMB-01:${h}\n`);
    const acl = mosquittoAclFile(units, services);
    expect(acl).toContain('user rescue.ingest\ntopic read ems/v1/units/+/position\n');
    expect(acl).toContain('user AMB-01\ntopic write ems/v1/units/AMB-01/position\ntopic write ems/v1/units/AMB-01/status\ntopic write ems/v1/units/AMB-01/presence\ntopic write owntracks/AMB/01\n');
    expect(acl).not.toMatch(/^pattern/m);
    expect(acl).not.toMatch(/user AMB-01\n(topic \w+ .*\n)*topic read/);
  });

  it('refuses bad ids, bad hashes, duplicates and unit-shaped service names', async () => {
    const h = await hashPassword('x');
    expect(() => mosquittoPasswordFile([{ unitId: 'a/b', passwordHash: h }], [])).toThrow(/not a valid unit id/);
    expect(() => mosquittoPasswordFile([{ unitId: 'a', passwordHash: 'plain' }], [])).toThrow(/\$7\$/);
    expect(() => mosquittoPasswordFile([{ unitId: 'a', passwordHash: h }, { unitId: 'a', passwordHash: h }], [])).toThrow(/twice/);
    expect(() => mosquittoAclFile([], [{ username: 'ingest', passwordHash: h, roles: ['ingest'] }])).toThrow(/name\.role/);
  });
});
