import { generatePassword, hashPassword, type MqttIdentity, type ServiceRole, verifyPassword } from '@rescue/security';
import type { BrokerAuthenticator, ConnectRefusal } from '../../apps/server/src/broker/embedded-broker';

/** The service user the test brokers know: reads the ingest filters and publishes as a gateway. */
export const TEST_MQTT_USER = 'rc.test';
export const TEST_MQTT_ROLES: readonly ServiceRole[] = ['ingest', 'gateway'];

export interface TestUser {
  username: string;
  password: string;
  passwordHash: string;
}

export async function newTestUser(username = TEST_MQTT_USER): Promise<TestUser> {
  const password = generatePassword();
  return { username, password, passwordHash: await hashPassword(password) };
}

/** mqtt://user:pass@host:port: existing callers pass URLs around; mqtt.js takes the credentials from it. */
export function urlWithCredentials(url: string, user: { username: string; password: string }): string {
  const u = new URL(url);
  u.username = encodeURIComponent(user.username);
  u.password = encodeURIComponent(user.password);
  return u.toString().replace(/\/$/, '');
}

/**
 * A BrokerAuthenticator for library-level tests of the embedded broker: service users with roles and
 * units, each checked against its real `$7$` hash (no database; the server uses CredentialsService).
 */
export class TestBrokerAuth implements BrokerAuthenticator {
  private readonly users = new Map<string, { hash: string; identity: MqttIdentity; revoked: boolean }>();

  addService(user: TestUser, roles: readonly ServiceRole[] = TEST_MQTT_ROLES): this {
    this.users.set(user.username, { hash: user.passwordHash, identity: { kind: 'service', name: user.username, roles }, revoked: false });
    return this;
  }

  addUnit(unitId: string, passwordHash: string): this {
    this.users.set(unitId, { hash: passwordHash, identity: { kind: 'unit', unitId }, revoked: false });
    return this;
  }

  revoke(username: string): void {
    const u = this.users.get(username);
    if (u) u.revoked = true;
  }

  async authenticate(username: string | undefined, password: Buffer | undefined): Promise<MqttIdentity | ConnectRefusal> {
    if (!username || !password) return 'no_credentials';
    const u = this.users.get(username);
    if (!u) return 'unknown_user';
    if (u.revoked) return 'revoked';
    return (await verifyPassword(password.toString('utf8'), u.hash)) ? u.identity : 'bad_password';
  }
}
