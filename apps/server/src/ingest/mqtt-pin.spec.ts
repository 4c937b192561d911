import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Duplex } from 'node:stream';
import { MqttClient } from 'mqtt';
import { DeferredPubacks } from './deferred-pubacks';

/**
 * DeferredPubacks replaces mqtt.js's private `_sendPacket` and writes PUBACKs to its `stream`: no
 * semver covers private members, so package.json pins mqtt to one exact version. Upgrading it is a
 * deliberate step: change the pin, and this spec, the ingest tests and the crash drill say whether the
 * new version still acknowledges only after commit.
 */
const ROOT = join(__dirname, '../../../..');
const PINNED = '5.16.0';

describe('mqtt.js pinned for the deferred PUBACKs', () => {
  it(`is pinned to exactly ${PINNED} in package.json and installed at that version`, () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(pkg.dependencies['mqtt']).toBe(PINNED);
    const installed = JSON.parse(readFileSync(join(ROOT, 'node_modules/mqtt/package.json'), 'utf8')) as { version: string };
    expect(installed.version).toBe(PINNED);
  });

  it('holds the PUBACK of a real mqtt.js client until release, then writes it to the socket', async () => {
    // The broker's side of the socket, by hand: CONNACK, then a QoS1 PUBLISH with packet id 0x0102.
    const written: Buffer[] = [];
    const socket = new Duplex({
      read() {},
      write(chunk: Buffer, _enc, cb) {
        written.push(Buffer.from(chunk));
        cb();
      },
    });
    const client = new MqttClient(() => socket, { protocolVersion: 4, clientId: 'pin', clean: false, keepalive: 0, reconnectPeriod: 0 });
    const gate = new DeferredPubacks(client);
    const held: number[] = [];
    const handled = new Promise<void>((resolve) => {
      client.handleMessage = (packet, done) => {
        if (packet.cmd === 'publish' && packet.messageId !== undefined) held.push(gate.hold(packet.messageId));
        done();
        resolve();
      };
    });
    const connected = new Promise((resolve) => client.once('connect', resolve));
    socket.push(Buffer.from([0x20, 0x02, 0x00, 0x00]));
    await connected;

    const topic = Buffer.from('rc/v1/units/A/position');
    const payload = Buffer.from('{}');
    const body = Buffer.concat([Buffer.from([0, topic.length]), topic, Buffer.from([0x01, 0x02]), payload]);
    socket.push(Buffer.concat([Buffer.from([0x32, body.length]), body]));
    await handled;
    await new Promise((r) => setImmediate(r));
    const isPuback = (b: Buffer) => b[0] === 0x40;
    try {
      expect(written.some(isPuback)).toBe(false); // mqtt.js would have acknowledged by now
      expect(gate.release(held)).toBe(1);
      expect(written.filter(isPuback)).toEqual([Buffer.from([0x40, 0x02, 0x01, 0x02])]);
    } finally {
      client.end(true);
    }
  });
});
