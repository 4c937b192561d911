import { EventEmitter } from 'node:events';
import type { MqttClient } from 'mqtt';
import { DeferredPubacks } from './deferred-pubacks';

/** The two things DeferredPubacks uses of an mqtt.js client: its events and `_sendPacket`. */
class FakeClient extends EventEmitter {
  connected = true;
  readonly wire: Array<{ cmd: string; messageId?: number }> = [];
  _sendPacket(packet: { cmd: string; messageId?: number }, cb?: () => void): void {
    this.wire.push(packet);
    cb?.();
  }
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

  it('sends nothing while disconnected', () => {
    const { client, gate } = setup();
    const held = gate.hold(5);
    client.acknowledge(5);
    client.connected = false;
    expect(gate.release([held])).toBe(0);
    expect(client.wire).toEqual([]);
  });
});
