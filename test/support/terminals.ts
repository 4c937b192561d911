import { connectAsync, IClientPublishOptions, MqttClient } from 'mqtt';
import { parseTopic } from '@rescue/contracts';

/** Several units' terminals behind one object: each unit has its own provisioned credentials and connection. */
export interface Terminals {
  /** Publishes through the connection of the unit the topic belongs to. */
  publishAsync(topic: string, payload: string | Buffer, opts?: IClientPublishOptions): Promise<unknown>;
  endAsync(): Promise<void>;
}

/**
 * Provisions each unit through the server's admin API (POST /admin/units/:id/credentials) and connects
 * one MQTT client per unit with its own credentials, as real terminals do since issue #8 (a unit may
 * publish only its own topics).  `srv.api` sends the admin API key.
 */
export async function connectTerminals(srv: { mqttUrl: string; api(path: string, init?: RequestInit): Promise<Response> }, unitIds: string[]): Promise<Terminals> {
  const clients = new Map<string, MqttClient>();
  for (const id of unitIds) {
    const res = await srv.api(`/admin/units/${id}/credentials`, { method: 'POST' });
    if (res.status !== 201) throw new Error(`provisioning ${id}: HTTP ${res.status} ${await res.text()}`);
    const { password } = (await res.json()) as { password: string };
    clients.set(id, await connectAsync(srv.mqttUrl, { clientId: `${id}:test-${Date.now()}`, username: id, password }));
  }
  return {
    publishAsync: (topic, payload, opts = {}) => {
      const unitId = parseTopic(topic)?.unitId;
      const c = unitId ? clients.get(unitId) : undefined;
      if (!c) throw new Error(`no terminal connected for topic ${topic}`);
      return c.publishAsync(topic, payload, opts);
    },
    endAsync: async () => {
      await Promise.all([...clients.values()].map((c) => c.endAsync()));
    },
  };
}
