import { createServer, Server, Socket } from 'node:net';
import { AddressInfo } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer, type TLSSocket } from 'node:tls';
import Aedes, { type AuthenticateError, type Client } from 'aedes';
import type { Logger } from 'pino';
import { Counter, Registry } from 'prom-client';
import { mayPublish, maySubscribe, type MqttIdentity } from '@rescue/security';
import { MqttFrameGuard } from './frame-guard';
import { indexedOutgoingPersistence } from './indexed-outgoing';
import { RefusalLog } from './refusal-log';
import { TokenBucket } from './token-bucket';

/** Why a connect was refused (the `reason` label of rc_mqtt_refused_total{action="connect"}). */
export type ConnectRefusal = 'no_credentials' | 'unknown_user' | 'bad_password' | 'revoked' | 'client_id';

/** Checks a CONNECT's credentials: the identity they prove, or why not. */
export interface BrokerAuthenticator {
  authenticate(username: string | undefined, password: Buffer | undefined): Promise<MqttIdentity | ConnectRefusal>;
}

export interface BrokerLimits {
  /** Sustained publishes per second of one unit connection. */
  maxMsgsPerS: number;
  /** Publishes a unit connection may send above the rate before it is slowed down. */
  burst: number;
  /** Largest MQTT packet (remaining length); a larger one closes the connection. */
  maxPacketBytes: number;
}

export const DEFAULT_BROKER_LIMITS: BrokerLimits = { maxMsgsPerS: 200, burst: 2000, maxPacketBytes: 1024 * 1024 };

export interface EmbeddedBrokerOptions {
  port: number;
  host?: string;
  /** Required: the embedded broker never runs open. */
  auth: BrokerAuthenticator;
  limits?: BrokerLimits;
  /** Where rc_mqtt_* metrics go (a private registry when omitted). */
  registry?: Registry;
  log?: Logger;
  /** A second listener speaking MQTT over TLS (MQTTS) with the API's certificate; the same broker behind it. */
  tls?: { cert: Buffer; key: Buffer; port: number; host?: string };
}

export interface EmbeddedBroker {
  url: string;
  port: number;
  /** mqtts://host:port when the TLS listener runs, else null. */
  tlsUrl: string | null;
  /** Closes every live connection of the unit (after its credentials were revoked); returns how many. */
  disconnectUnit(unitId: string): number;
  close(): Promise<void>;
}

const RETURN_CODE: Record<ConnectRefusal, 2 | 4 | 5> = { no_credentials: 4, unknown_user: 4, bad_password: 4, revoked: 5, client_id: 2 };

/**
 * The in-process MQTT broker of the embedded default (aedes, in-memory sessions), with device identity:
 * every connection authenticates (units with their provisioned credentials, services with theirs), and
 * each publish and subscribe is checked by the pure ACL in libs/security (topic-acl.ts), so a unit can
 * publish only its own topics and subscribe to nothing.
 *
 * Refusals, all counted in rc_mqtt_refused_total{action,reason} and logged (rate-limited):
 * - connect: CONNACK 4 (bad credentials), 5 (revoked) or 2 (a unit's client id must be its unit id or
 *   start with "<unitId>:", so one unit cannot take over another's session or the ingest's);
 * - publish: aedes closes the connection on a refused publish, whatever the QoS (no PUBACK; MQTT 3.1.1
 *   §3.3.5 allows either that or a silent positive ack, which is what Mosquitto does);
 * - subscribe: SUBACK 0x80 for that filter; the connection stays;
 * - packet too large: the connection is closed as soon as the header declares it.
 * Floods: a unit connection over its token bucket is slowed down, not cut: its publishes are held and
 * passed on in order (aedes reads no more of that socket meanwhile, so TCP pushes back), counted in
 * rc_mqtt_throttled_total. A terminal re-uploading a backlog loses nothing; a flood is bounded to the rate.
 *
 * It listens on 127.0.0.1 and a port other than 1883 (a system broker's). Sessions live in memory: a
 * restart forgets queued messages, which is why production uses Mosquitto or EMQX (docker/compose.yml).
 */
export async function startEmbeddedBroker(opts: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const host = opts.host ?? '127.0.0.1';
  const limits = opts.limits ?? DEFAULT_BROKER_LIMITS;
  const registry = opts.registry ?? new Registry();
  const refused = new Counter({ name: 'rc_mqtt_refused_total', help: 'MQTT operations refused by the embedded broker', labelNames: ['action', 'reason'], registers: [registry] });
  const throttled = new Counter({ name: 'rc_mqtt_throttled_total', help: 'Publishes held back because their unit connection was over MQTT_CLIENT_MAX_MSGS_PER_S', registers: [registry] });
  const refusalLog = new RefusalLog(opts.log ?? null);
  const identities = new WeakMap<Client, MqttIdentity>();
  const throttles = new WeakMap<Client, PublishThrottle>();
  const byUnit = new Map<string, Set<Client>>();
  // How many times each unit was disconnected for a revoke or rotation, and what that count was when a
  // connection's authentication began: a revoke that lands after the credentials were checked but
  // before aedes reports the connection ready finds nothing to close, so the ready connection checks.
  const revocations = new Map<string, number>();
  const authEpochs = new WeakMap<Client, number>();

  const refuse = (action: 'connect' | 'publish' | 'subscribe' | 'packet', reason: string, fields: Record<string, unknown>): void => {
    refused.inc({ action, reason });
    refusalLog.note(action, reason, fields);
  };

  const aedes = new Aedes({
    // In-flight QoS1 deliveries indexed instead of scanned (ingest holds up to INGEST_MAX_PENDING).
    persistence: indexedOutgoingPersistence(),
    concurrency: 1000,
    heartbeatInterval: 60_000,
    authenticate: (client, username, password, done) => {
      authEpochs.set(client, revocations.get(username ?? '') ?? 0);
      // Through a promise so a synchronous throw of the authenticator is a refusal too: thrown here, it
      // would leave the CONNECT unanswered (or escape aedes's socket handler).
      Promise.resolve().then(() => opts.auth.authenticate(username, password)).then(
        (result) => {
          const refusal = typeof result === 'string' ? result : clientIdRefusal(result, client.id);
          if (refusal) {
            refuse('connect', refusal, { clientId: client.id, username });
            const err = new Error(`connect refused: ${refusal}`) as AuthenticateError;
            err.returnCode = RETURN_CODE[refusal];
            return done(err, false);
          }
          identities.set(client, result as MqttIdentity);
          done(null, true);
        },
        (err: unknown) => {
          refuse('connect', 'error', { clientId: client.id, username, err: err instanceof Error ? err.message : String(err) });
          const e = new Error('authentication failed') as AuthenticateError;
          e.returnCode = 3; // server unavailable
          done(e, false);
        },
      ).catch((err: unknown) => {
        // aedes threw while going on with the connection: not ours to answer any more, but never an
        // unhandled rejection (that would end the process).
        opts.log?.error({ clientId: client.id, err: err instanceof Error ? err.message : String(err) }, 'mqtt connect failed after authentication');
      });
    },
    authorizePublish: (client, packet, done) => {
      const id = client ? identities.get(client) : undefined;
      // A null client is a Will of a connection this process no longer knows: nobody vouches for it.
      const refusal = id ? mayPublish(id, packet.topic) : 'unknown_client';
      if (refusal) {
        refuse('publish', refusal, { clientId: client?.id, identity: describe(id), topic: packet.topic.slice(0, 200) });
        return done(new Error(`publish refused: ${refusal}`));
      }
      // A closed client's only publish is its Will: never held back (it would be lost).
      if (id!.kind === 'unit' && client && !client.closed) {
        let t = throttles.get(client);
        if (!t) throttles.set(client, (t = new PublishThrottle(new TokenBucket(limits.maxMsgsPerS, limits.burst, Date.now()))));
        return t.admit(client, done, () => throttled.inc());
      }
      done(null);
    },
    authorizeSubscribe: (client, sub, done) => {
      const id = identities.get(client);
      const refusal = id ? maySubscribe(id, sub.topic) : 'unknown_client';
      if (refusal) {
        refuse('subscribe', refusal, { clientId: client.id, identity: describe(id), filter: sub.topic.slice(0, 200) });
        return done(null, null); // SUBACK 0x80 for this filter
      }
      done(null, sub);
    },
  });

  aedes.on('clientReady', (client) => {
    const id = identities.get(client);
    if (id?.kind !== 'unit') return;
    if ((revocations.get(id.unitId) ?? 0) !== authEpochs.get(client)) {
      refuse('connect', 'revoked', { clientId: client.id, username: id.unitId, after: 'authentication' });
      client.close();
      return;
    }
    let set = byUnit.get(id.unitId);
    if (!set) byUnit.set(id.unitId, (set = new Set()));
    set.add(client);
  });
  aedes.on('clientDisconnect', (client) => {
    const id = identities.get(client);
    if (id?.kind !== 'unit') return;
    const set = byUnit.get(id.unitId);
    set?.delete(client);
    if (set?.size === 0) byUnit.delete(id.unitId);
  });

  const accept = (socket: Socket): void => {
    guardPacketSize(socket, limits.maxPacketBytes, (declared) =>
      refuse('packet', 'too_large', { remote: socket.remoteAddress, declaredBytes: Number.isFinite(declared) ? declared : 'malformed', maxBytes: limits.maxPacketBytes }),
    );
    aedes.handle(socket);
  };
  const listen = (srv: Server | TlsServer, port: number, at: string, key: string): Promise<number> =>
    new Promise<number>((resolve, reject) => {
      srv.once('error', (err: NodeJS.ErrnoException) =>
        reject(err.code === 'EADDRINUSE' ? new Error(`embedded MQTT port ${at}:${port} is in use; set ${key}`) : err),
      );
      srv.listen(port, at, () => resolve((srv.address() as AddressInfo).port));
    });
  const server: Server = createServer(accept);
  const actual = await listen(server, opts.port, host, 'EMBEDDED_MQTT_PORT');
  // MQTTS: TLS 1.2 or later; a failed handshake is a refused connect (counted as `tls`), never a crash.
  let tlsServer: TlsServer | null = null;
  let tlsUrl: string | null = null;
  if (opts.tls) {
    const tlsHost = opts.tls.host ?? host;
    tlsServer = createTlsServer({ cert: opts.tls.cert, key: opts.tls.key, minVersion: 'TLSv1.2', handshakeTimeout: 10_000 }, (socket: TLSSocket) => accept(socket));
    tlsServer.on('tlsClientError', (err: Error, socket: TLSSocket) => refuse('connect', 'tls', { remote: socket.remoteAddress, err: err.message.slice(0, 200) }));
    try {
      tlsUrl = `mqtts://${tlsHost}:${await listen(tlsServer, opts.tls.port, tlsHost, 'EMBEDDED_MQTTS_PORT')}`;
    } catch (e) {
      await new Promise<void>((r) => server.close(() => r()));
      throw e;
    }
  }
  return {
    url: `mqtt://${host}:${actual}`,
    port: actual,
    tlsUrl,
    disconnectUnit: (unitId) => {
      revocations.set(unitId, (revocations.get(unitId) ?? 0) + 1);
      const set = byUnit.get(unitId);
      if (!set) return 0;
      const n = set.size;
      for (const c of [...set]) c.close();
      byUnit.delete(unitId);
      return n;
    },
    close: () =>
      new Promise<void>((resolve) => {
        // aedes.close ends the client connections that server.close would otherwise wait for.
        aedes.close(() => {
          if (tlsServer) tlsServer.close();
          server.close(() => resolve());
        });
      }),
  };
}

function describe(id: MqttIdentity | undefined): string {
  if (!id) return 'unknown';
  return id.kind === 'unit' ? `unit:${id.unitId}` : `service:${id.name}`;
}

/** A unit's client id is its unit id, or begins with "<unitId>:" (':' cannot occur in a unit id). */
function clientIdRefusal(id: MqttIdentity, clientId: string): ConnectRefusal | null {
  if (id.kind !== 'unit') return null;
  return clientId === id.unitId || clientId.startsWith(`${id.unitId}:`) ? null : 'client_id';
}

/**
 * Closes the socket when a packet declares a size above the limit. aedes reads the socket only through
 * socket.read() (paused mode), so wrapping read() sees every byte before mqtt-packet buffers it.
 */
function guardPacketSize(socket: Socket, maxBytes: number, onRefused: (declared: number) => void): void {
  const guard = new MqttFrameGuard(maxBytes);
  const read = socket.read.bind(socket);
  socket.read = ((size?: number) => {
    const buf = read(size) as Buffer | null;
    const declared = buf ? guard.feed(buf) : -1;
    if (declared >= 0) {
      onRefused(declared);
      socket.destroy();
      return null;
    }
    return buf;
  }) as typeof socket.read;
}

/**
 * Holds a unit connection's publishes to its token bucket. Once one publish waits, later ones queue
 * behind it, so they keep their order; aedes does not read more of the socket until they are through.
 */
class PublishThrottle {
  private waiting = 0;
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly bucket: TokenBucket) {}

  admit(client: Client, done: (err?: Error | null) => void, onThrottled: () => void): void {
    const now = Date.now();
    const wait = this.bucket.take(now);
    if (wait === 0 && this.waiting === 0) return done(null);
    onThrottled();
    this.waiting++;
    const due = now + wait;
    this.tail = this.tail
      .then(() => new Promise<void>((r) => setTimeout(r, Math.max(0, due - Date.now()))))
      .then(() => {
        this.waiting--;
        if (!client.closed) done(null);
      });
  }
}
