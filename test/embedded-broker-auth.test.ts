import { connectAsync } from 'mqtt';
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
