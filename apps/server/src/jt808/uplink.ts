import { connect, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { COMMAND_FILTER, type CommandPayload, jt808Topic, parseCommandTopic, presenceTopic, type StatusPayload, statusTopic, type Jt808RelayPayload } from '@rescue/contracts';
import type { DurableReceipts } from './durable-receipts';

/**
 * The gateway's one link into the system: everything goes through the broker as a gateway service
 * user, so JT/T 808 traffic meets the same ingest pipeline and the same promises as MQTT.
 *
 * `relay` resolves when the message is durable. On a persistent broker (Mosquitto, EMQX) that is the
 * broker's PUBACK of the QoS 1 publish, the same promise an MQTT terminal gets. The embedded aedes keeps
 * sessions in memory, so there it is the ingest commit of the batch holding the message, reported by
 * receipt (DurableReceipts).
 */
export interface Jt808Uplink {
  relay(unitId: string, payload: Omit<Jt808RelayPayload, 'receipt'>): Promise<void>;
  /** A terminal status (the acknowledgement of an order): resolves on PUBACK. */
  publishStatus(unitId: string, status: StatusPayload): Promise<void>;
  presence(unitId: string, online: boolean): void;
  onCommand(handler: (unitId: string, command: CommandPayload) => void): void;
  readonly connected: boolean;
  close(): Promise<void>;
}

export interface MqttUplinkOptions {
  url: string;
  username?: string;
  password?: string;
  clientId: string;
  /** null: durable on PUBACK (a persistent broker); else durable when ingest hands the receipt back. */
  receipts: DurableReceipts | null;
  log: Logger;
}

export async function connectMqttUplink(o: MqttUplinkOptions): Promise<Jt808Uplink> {
  const client: MqttClient = connect(o.url, {
    clientId: o.clientId,
    username: o.username,
    password: o.password,
    clean: true,
    protocolVersion: 4,
    reconnectPeriod: 1000,
    connectTimeout: 10_000,
    resubscribe: true,
  });
  const handlers: Array<(unitId: string, c: CommandPayload) => void> = [];
  client.on('error', (err) => o.log.warn({ err: err.message }, 'jt808 uplink mqtt error'));
  client.on('message', (topic, payload) => {
    const unitId = parseCommandTopic(topic);
    if (!unitId) return;
    let cmd: CommandPayload;
    try {
      cmd = JSON.parse(payload.toString('utf8')) as CommandPayload;
    } catch {
      o.log.warn({ topic }, 'command that is not JSON ignored');
      return;
    }
    if (cmd?.type !== 'dispatch_order' || typeof cmd.taskId !== 'string' || typeof cmd.text !== 'string') return;
    for (const h of handlers) h(unitId, cmd);
  });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => client.subscribe(COMMAND_FILTER, { qos: 1 }, (err) => (err ? reject(err) : resolve())));
    client.once('error', reject);
  });
  const publish = (topic: string, payload: string, retain = false): Promise<void> =>
    new Promise((resolve, reject) => client.publish(topic, payload, { qos: 1, retain }, (err) => (err ? reject(err) : resolve())));
  return {
    relay: async (unitId, payload) => {
      if (!o.receipts) return publish(jt808Topic(unitId), JSON.stringify(payload));
      const { receipt, durable } = o.receipts.next();
      await publish(jt808Topic(unitId), JSON.stringify({ ...payload, receipt }));
      return durable;
    },
    publishStatus: (unitId, status) => publish(statusTopic(unitId), JSON.stringify(status)),
    presence: (unitId, online) => void publish(presenceTopic(unitId), online ? 'online' : 'offline', true).catch(() => undefined),
    onCommand: (h) => void handlers.push(h),
    get connected() {
      return client.connected;
    },
    close: () => new Promise<void>((r) => client.end(false, {}, () => r())),
  };
}
