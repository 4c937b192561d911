import { EventEmitter } from 'node:events';
import type { MqttClient } from 'mqtt';
import { DeferredPubacks } from './deferred-pubacks';

/** What DeferredPubacks uses of an mqtt.js client: its events, `_sendPacket` and the socket. */
class FakeClient extends EventEmitter {
  connected = true;
  readonly wire: Array<{ cmd: string; messageId?: number }> = [];
  _sendPacket(packet: { cmd: string; messageId?: number }, cb?: () => void): void {
    this.wire.push(packet);
    cb?.();
  }
  /** Raw bytes written past mqtt.js: only PUBACKs (0x40 0x02 id-msb id-lsb) are expected. */
  readonly stream = {
    write: (bytes: Buffer): boolean => {
      expect(bytes.length % 4).toBe(0);
      for (let i = 0; i < bytes.length; i += 4) {
        expect([bytes[i], bytes[i + 1]]).toEqual([0x40, 2]);
        this.wire.push({ cmd: 'puback', messageId: bytes.readUInt16BE(i + 2) });
      }
      return true;
    },
  };
  /** What mqtt.js does for a QoS1 PUBLISH once handleMessage has called back. */
  acknowledge(messageId: number): void {
    this._sendPacket({ cmd: 'puback', messageId });
  }
}

function setup() {
  const client = new FakeClient();
  const gate = new DeferredPubacks(client as unknown as MqttClient);
  return { client, gate };
}

describe('DeferredPubacks', () => {
  it('holds a PUBACK until release', () => {
    const { client, gate } = setup();
    const held = gate.hold(7);
    client.acknowledge(7);
    expect(client.wire).toEqual([]);
    expect(gate.release([held])).toBe(1);
    expect(client.wire).toEqual([{ cmd: 'puback', messageId: 7 }]);
  });

  it('keeps the acks of messages handled between the CONNACK and the connect event', () => {
    // mqtt.js emits 'connect' only after replaying its outgoing store; a resumed session's queued
    // PUBLISHes can be handled before that. Their acks belong to the new connection.
    const { client, gate } = setup();
    client.emit('close');
    const held = gate.hold(1);
    client.acknowledge(1);
    client.emit('connect');
    expect(gate.release([held])).toBe(1);
    expect(client.wire).toEqual([{ cmd: 'puback', messageId: 1 }]);
  });

  it('drops the acks of a closed connection: the broker redelivers those messages, maybe under the same id', () => {
    const { client, gate } = setup();
    const old = gate.hold(3);
    client.acknowledge(3);
    client.emit('close');
    client.emit('connect');
    const fresh = gate.hold(3);
    client.acknowledge(3);
    expect(gate.release([old])).toBe(0);
    expect(gate.release([fresh])).toBe(1);
    expect(client.wire).toEqual([{ cmd: 'puback', messageId: 3 }]);
  });

  it('sends the PUBACKs of a batch in one write, in order, whatever the packet id', () => {
    const { client, gate } = setup();
    const writes: number[] = [];
    const write = client.stream.write;
    client.stream.write = (bytes: Buffer) => (writes.push(bytes.length), write(bytes));
    const ids = [1, 255, 256, 65535, 42];
    const held = ids.map((id) => gate.hold(id));
    for (const id of ids) client.acknowledge(id);
    expect(client.wire).toEqual([]);
    expect(gate.release(held)).toBe(5);
    expect(writes).toEqual([20]);
    expect(client.wire).toEqual(ids.map((messageId) => ({ cmd: 'puback', messageId })));
  });

  it('sends nothing while disconnected', () => {
    const { client, gate } = setup();
    const held = gate.hold(5);
    client.acknowledge(5);
    client.connected = false;
    expect(gate.release([held])).toBe(0);
    expect(client.wire).toEqual([]);
  });
});
