import { connect, connectAsync } from 'mqtt';
import type { MqttIdentity } from '@rescue/security';
import { Registry } from 'prom-client';
import { type BrokerAuthenticator, type EmbeddedBroker, startEmbeddedBroker } from '../apps/server/src/broker/embedded-broker';

/**
 * The embedded broker's authenticate hook must turn any failure of the authenticator into a refused
 * CONNECT: it runs inside aedes's socket handler, where a throw would take the whole server down.
 */
describe('embedded broker: a failing authenticator refuses the connect and keeps the process up', () => {
  let broker: EmbeddedBroker;
  let mode: 'throw' | 'reject' = 'throw';
  const registry = new Registry();
  const auth: BrokerAuthenticator = {
    // Not `async`: an implementation may throw before it returns a promise.
    authenticate: () => {
      if (mode === 'throw') throw new Error('credential store exploded');
      return Promise.reject(new Error('database down'));
    },
  };
  const uncaught: Error[] = [];
  const onUncaught = (e: Error) => uncaught.push(e);

  beforeAll(async () => {
    process.on('uncaughtException', onUncaught);
    broker = await startEmbeddedBroker({ port: 0, auth, registry });
  });
  afterAll(async () => {
    await broker?.close();
    process.off('uncaughtException', onUncaught);
  });

  it.each(['throw', 'reject'] as const)('authenticator that %ss: CONNACK 3 (server unavailable), counted', async (m) => {
    mode = m;
    const err = await connectAsync(broker.url, { clientId: 'AMB-01', username: 'AMB-01', password: 'x', reconnectPeriod: 0, connectTimeout: 3000 }).then(
      (c) => { c.end(true); return null; },
      (e: Error & { code?: number }) => e,
    );
    expect(err?.code).toBe(3);
    expect(uncaught).toEqual([]);
    const text = await registry.metrics();
    expect(text).toMatch(/rc_mqtt_refused_total\{action="connect",reason="error"\} [1-9]/);
  });
});

describe('embedded broker: a revoke that lands while a connection is being set up still closes it', () => {
  let broker: EmbeddedBroker;
  let release: ((v: MqttIdentity) => void) | null = null;
  const auth: BrokerAuthenticator = {
    authenticate: () => new Promise<MqttIdentity>((r) => (release = r)),
  };
  beforeAll(async () => {
    broker = await startEmbeddedBroker({ port: 0, auth, registry: new Registry() });
  });
  afterAll(async () => broker?.close());

  const connecting = async () => {
    const c = connect(broker.url, { clientId: 'AMB-07', username: 'AMB-07', password: 'x', reconnectPeriod: 0 });
    const closed = new Promise<'closed'>((r) => c.once('close', () => r('closed')));
    const until = Date.now() + 3000;
    while (!release && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    expect(release).not.toBeNull();
    const r = release!;
    release = null;
    return { c, closed, accept: () => r({ kind: 'unit', unitId: 'AMB-07' }) };
  };

  it('credentials found valid, then revoked before aedes has the connection ready: closed at once', async () => {
    const { c, closed, accept } = await connecting();
    accept(); // the check passed ...
    expect(broker.disconnectUnit('AMB-07')).toBe(0); // ... and the revoke finds no live connection yet
    expect(await Promise.race([closed, new Promise((r) => setTimeout(() => r('still connected'), 2000))])).toBe('closed');
    c.end(true);
  });

  it('without a revoke meanwhile the connection stays (and a later revoke closes it as before)', async () => {
    const { c, closed, accept } = await connecting();
    accept();
    await new Promise<void>((r) => (c.connected ? r() : c.once('connect', () => r())));
    await new Promise((r) => setTimeout(r, 200));
    expect(c.connected).toBe(true);
    expect(broker.disconnectUnit('AMB-07')).toBe(1);
    expect(await Promise.race([closed, new Promise((r) => setTimeout(() => r('still connected'), 2000))])).toBe('closed');
  });
});
