import { createServer, Server } from 'node:net';
import { AddressInfo } from 'node:net';
import Aedes from 'aedes';

export interface EmbeddedBroker {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * The in-process MQTT broker of the embedded default (aedes, in-memory sessions). It listens on
 * 127.0.0.1 only and on a port other than 1883, which a system broker usually holds.
 * Sessions live in memory: a restart of this process forgets queued messages, which is why production
 * uses Mosquitto or EMQX with persistence (docker/compose.yml).
 */
export async function startEmbeddedBroker(port: number, host = '127.0.0.1'): Promise<EmbeddedBroker> {
  const aedes = new Aedes({ concurrency: 1000, heartbeatInterval: 60_000 });
  const server: Server = createServer(aedes.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new Error(`embedded MQTT port ${host}:${port} is in use; set EMBEDDED_MQTT_PORT`) : err),
    );
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `mqtt://${host}:${actual}`,
    port: actual,
    close: () =>
      new Promise<void>((resolve) => {
        // aedes.close ends the client connections that server.close would otherwise wait for.
        aedes.close(() => server.close(() => resolve()));
      }),
  };
}
