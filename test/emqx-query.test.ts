import { pbkdf2Sync } from 'node:crypto';
import { DataSource } from 'typeorm';
import { closeDatabase, CredentialsRepository, openDatabase } from '@rescue/persistence';
import { EMQX_AUTHN_QUERY, EMQX_AUTHZ_QUERY, generatePassword, hashPassword, unitPublishTopics } from '@rescue/security';
import { commandTopic } from '@rescue/contracts';
import { scratchPostgres } from './support/databases';
import { describeNeeding, needPostgres } from './support/needs';

/**
 * The EMQX queries of docs/security.md, run on PostgreSQL against rows the credentials code stored:
 * the authentication row yields exactly what EMQX's pbkdf2/sha512 check computes from the password
 * (hex of PBKDF2 over the salt's bytes), and the authorization rows are the topics the embedded ACL
 * and the Mosquitto file allow. EMQX itself does not run on this machine.
 */
describeNeeding(needPostgres())('EMQX queries on unit_credentials', () => {
  let ds: DataSource;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const db = await scratchPostgres('rc_emqx');
    drop = db.drop;
    ({ dataSource: ds } = await openDatabase(db.target));
  });
  afterAll(async () => {
    await closeDatabase(ds);
    await drop();
  });
  const run = (sql: string, username: string) => ds.query(sql.replace('${username}', '$1'), [username]) as Promise<Array<Record<string, string>>>;

  it('authentication: EMQX pbkdf2(sha512, 101, 64) over the returned salt equals the returned hash; revoked units get no row', async () => {
    const repo = new CredentialsRepository(ds);
    const password = generatePassword();
    await repo.provision('alice-phone', await hashPassword(password));
    const [row] = await run(EMQX_AUTHN_QUERY, 'alice-phone');
    expect(row!.salt).toMatch(/^[A-Za-z0-9_-]{12}$/);
    expect(pbkdf2Sync(password, Buffer.from(row!.salt!, 'utf8'), 101, 64, 'sha512').toString('hex')).toBe(row!.password_hash);
    expect(pbkdf2Sync('wrong', Buffer.from(row!.salt!, 'utf8'), 101, 64, 'sha512').toString('hex')).not.toBe(row!.password_hash);

    const rows = await run(EMQX_AUTHZ_QUERY, 'alice-phone');
    expect(rows.filter((r) => r.action === 'publish').map((r) => r.topic).sort()).toEqual(unitPublishTopics('alice-phone').sort());
    // its own dispatch orders, the only subscription a unit gets (issue 12)
    expect(rows.filter((r) => r.action === 'subscribe').map((r) => r.topic)).toEqual([commandTopic('alice-phone')]);
    expect(rows.every((r) => r.permission === 'allow')).toBe(true);
    expect(rows).toHaveLength(unitPublishTopics('alice-phone').length + 1);
    expect((await run(EMQX_AUTHZ_QUERY, 'AMB01')).length).toBe(0);

    await repo.provision('AMB01', await hashPassword(generatePassword()));
    expect((await run(EMQX_AUTHZ_QUERY, 'AMB01')).map((r) => r.topic).sort()).toEqual([...unitPublishTopics('AMB01'), commandTopic('AMB01')].sort());
    await repo.revoke('alice-phone');
    expect(await run(EMQX_AUTHN_QUERY, 'alice-phone')).toEqual([]);
    expect(await run(EMQX_AUTHZ_QUERY, 'alice-phone')).toEqual([]);
  });
});
