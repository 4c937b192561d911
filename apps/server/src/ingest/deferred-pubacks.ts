import type { MqttClient } from 'mqtt';

type SendPacket = (packet: { cmd: string; messageId?: number }, cb?: (err?: Error) => void, ...rest: unknown[]) => void;

/**
 * A QoS1 delivery whose PUBACK waits until what it carried is durable: its packet id and connection
 * epoch packed in one number (epoch × 65536 + id), so holding one allocates nothing (one per message).
 */
export type HeldAck = number;

/** Packet ids are 16-bit (MQTT 3.1.1 §2.3.1). */
const ID_SPACE = 65536;
/** PUBACK: fixed header 0x40, remaining length 2, packet id (big-endian). */
const PUBACK_TYPE = 0x40;
const PUBACK_BYTES = 4;

/**
 * Acknowledge-after-commit for mqtt.js. The client sends a PUBACK as soon as handleMessage calls back,
 * and it handles one packet at a time, so waiting there for a database commit would cap throughput at
 * one message per commit. Instead handleMessage calls back at once and this gate holds the PUBACK the
 * client then sends, releasing it when the batch holding the message has committed. The broker keeps
 * every unacknowledged message in the persistent session and redelivers it after a crash.
 *
 * Relies on mqtt.js's internal _sendPacket and its `stream`, so package.json pins mqtt to one exact
 * version (mqtt-pin.spec.ts checks the pin against a real client; the integration tests fail if it
 * changes: nothing would ever be acknowledged, or the crash test would lose messages).
 *
 * Acks are tied to a connection epoch: after a reconnect the broker redelivers unacknowledged messages
 * and may reuse their packet ids, so an ack held on an old connection is dropped rather than sent.
 */
export class DeferredPubacks {
  private readonly send: SendPacket;
  private readonly toHold = new Set<number>();
  private epoch = 0;

  constructor(private readonly client: MqttClient) {
    const internal = client as unknown as { _sendPacket: SendPacket };
    if (typeof internal._sendPacket !== 'function') {
      throw new Error('mqtt.js has no _sendPacket: deferred PUBACKs cannot work with this version');
    }
    this.send = internal._sendPacket.bind(client);
    internal._sendPacket = (packet, cb, ...rest) => {
      if (packet.cmd === 'puback' && packet.messageId !== undefined && this.toHold.delete(packet.messageId)) {
        cb?.(); // let the client read on; the real PUBACK goes out in release()
        return;
      }
      this.send(packet, cb, ...rest);
    };
    // Only a closed connection starts a new epoch. mqtt.js emits 'connect' after replaying its outgoing
    // store (asynchronously), while PUBLISHes that follow the CONNACK are handled as they arrive; a new
    // epoch on 'connect' would drop the acks of any handled in between (stored, never acknowledged).
    client.on('close', () => this.newEpoch());
  }

  /** Called from handleMessage, before its callback: the PUBACK for this id will wait. */
  hold(messageId: number): HeldAck {
    this.toHold.add(messageId);
    return this.epoch * ID_SPACE + messageId;
  }

  /**
   * Sends the PUBACKs whose messages are now durable; those of a previous connection are dropped.
   * Returns how many were sent. They leave as one write of 4-byte packets (MQTT 3.1.1 §3.4; also a
   * valid MQTT 5 PUBACK with reason Success, §3.4.2.1) instead of one mqtt.js send each: per packet that
   * path logs, emits, corks the socket with a nextTick and writes two chunks.
   */
  release(acks: readonly HeldAck[]): number {
    if (!this.client.connected || acks.length === 0) return 0;
    const current = this.epoch * ID_SPACE;
    const wire = Buffer.allocUnsafe(acks.length * PUBACK_BYTES);
    let at = 0;
    for (let i = 0; i < acks.length; i++) {
      const messageId = acks[i]! - current;
      if (messageId < 0 || messageId >= ID_SPACE) continue; // held on an earlier connection
      wire[at] = PUBACK_TYPE;
      wire[at + 1] = 2; // remaining length: the packet id
      wire[at + 2] = messageId >> 8;
      wire[at + 3] = messageId & 0xff;
      at += PUBACK_BYTES;
    }
    if (at > 0) this.client.stream.write(at === wire.length ? wire : wire.subarray(0, at));
    return at / PUBACK_BYTES;
  }

  private newEpoch(): void {
    this.epoch++;
    this.toHold.clear();
  }
}
