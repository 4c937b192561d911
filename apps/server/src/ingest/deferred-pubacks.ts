import type { MqttClient } from 'mqtt';

type SendPacket = (packet: { cmd: string; messageId?: number }, cb?: (err?: Error) => void, ...rest: unknown[]) => void;

/**
 * A QoS1 delivery whose PUBACK waits until what it carried is durable: its packet id and connection
 * epoch packed in one number (epoch × 65536 + id), so holding one allocates nothing (one per message).
 */
export type HeldAck = number;

/** Packet ids are 16-bit (MQTT 3.1.1 §2.3.1). */
const ID_SPACE = 65536;

/**
 * Acknowledge-after-commit for mqtt.js. The client sends a PUBACK as soon as handleMessage calls back,
 * and it handles one packet at a time, so waiting there for a database commit would cap throughput at
 * one message per commit. Instead handleMessage calls back at once and this gate holds the PUBACK the
 * client then sends, releasing it when the batch holding the message has committed. The broker keeps
 * every unacknowledged message in the persistent session and redelivers it after a crash.
 *
 * Relies on mqtt.js's internal _sendPacket (checked against mqtt 5.x; the integration tests fail if it
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

  /** Sends the PUBACKs whose messages are now durable; those of a previous connection are dropped. Returns how many were sent. */
  release(acks: readonly HeldAck[]): number {
    let sent = 0;
    if (!this.client.connected) return 0;
    const current = this.epoch * ID_SPACE;
    for (let i = 0; i < acks.length; i++) {
      const messageId = acks[i]! - current;
      if (messageId < 0 || messageId >= ID_SPACE) continue; // held on an earlier connection
      this.send({ cmd: 'puback', messageId });
      sent++;
    }
    return sent;
  }

  private newEpoch(): void {
    this.epoch++;
    this.toHold.clear();
  }
}
