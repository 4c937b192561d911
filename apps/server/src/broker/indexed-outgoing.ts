import { Readable } from 'node:stream';
import memoryPersistence, { type AedesPersistence, type Packet } from 'aedes-persistence';
import type { Client } from 'aedes';

type Outgoing = Pick<AedesPersistence, 'outgoingEnqueue' | 'outgoingEnqueueCombi' | 'outgoingUpdate' | 'outgoingClearMessageId' | 'outgoingStream'>;

// aedes-persistence exports its Packet copy constructor beside the factory (not in its types).
const PacketCopy = (memoryPersistence as unknown as { Packet: new (p: Packet) => Packet }).Packet;

/**
 * One client's in-flight QoS1 deliveries in queue order, indexed by (brokerId, brokerCounter) and by
 * packet id. aedes's memory persistence keeps them in an array that it scans from the head on every
 * send (to find the packet to give its id) and splices on every PUBACK; with acknowledge-after-commit
 * an ingest session holds up to INGEST_MAX_PENDING (20,000) of them, so each message cost a scan of
 * the whole window. Here both are Map look-ups; a Map keeps insertion order, so the replay order after
 * a reconnect (outgoingStream) is the same. Packet ids index one packet each: aedes numbers its sends
 * 1, 2, 3… modulo 65,535, so two live packets share an id only past 65,535 in flight (MQTT's own limit).
 */
class OutgoingQueue {
  private nextSeq = 0;
  /** seq → packet, in enqueue order. */
  readonly entries = new Map<number, Packet>();
  private readonly byCounter = new Map<string, Map<number, number>>();
  private readonly byMessageId = new Map<number, number>();

  push(packet: Packet): void {
    const seq = this.nextSeq++;
    this.entries.set(seq, packet);
    let counters = this.byCounter.get(packet.brokerId);
    if (!counters) this.byCounter.set(packet.brokerId, (counters = new Map()));
    counters.set(packet.brokerCounter, seq);
  }

  /** Gives the queued copy of `packet` its packet id; false when it is not queued. */
  assignId(packet: Packet): boolean {
    const seq = this.byCounter.get(packet.brokerId)?.get(packet.brokerCounter);
    const queued = seq === undefined ? undefined : this.entries.get(seq);
    if (queued === undefined) return false;
    if (queued.messageId !== undefined && this.byMessageId.get(queued.messageId) === seq) this.byMessageId.delete(queued.messageId);
    queued.messageId = packet.messageId;
    if (packet.messageId !== undefined) this.byMessageId.set(packet.messageId, seq!);
    return true;
  }

  /** Removes and returns the queued packet with this id (the first in order when the id is unset). */
  removeById(messageId: number | undefined): Packet | undefined {
    let seq = messageId === undefined ? undefined : this.byMessageId.get(messageId);
    if (seq === undefined) {
      // Packets never sent have no id; emptying a clean session's queue clears them one by one.
      for (const [s, p] of this.entries) {
        if (p.messageId === messageId) {
          seq = s;
          break;
        }
      }
    }
    const packet = seq === undefined ? undefined : this.entries.get(seq);
    if (packet === undefined) return undefined;
    this.entries.delete(seq!);
    if (packet.messageId !== undefined && this.byMessageId.get(packet.messageId) === seq) this.byMessageId.delete(packet.messageId);
    const counters = this.byCounter.get(packet.brokerId);
    if (counters?.get(packet.brokerCounter) === seq) counters!.delete(packet.brokerCounter);
    return packet;
  }
}

/**
 * aedes's memory persistence with the outgoing (in-flight QoS1) store replaced by an indexed one
 * (OutgoingQueue). Same contract as aedes-persistence 9's outgoing* methods for one broker; what it
 * does not keep: the array store's handling of packets forwarded by another broker of a cluster
 * (matched by packet id), which the embedded single-process broker never has.
 */
export function indexedOutgoingPersistence(): AedesPersistence {
  const persistence = memoryPersistence() as AedesPersistence;
  const queues = new Map<string, OutgoingQueue>();
  const queueOf = (clientId: string): OutgoingQueue => {
    let q = queues.get(clientId);
    if (!q) queues.set(clientId, (q = new OutgoingQueue()));
    return q;
  };
  const outgoing: Outgoing = {
    outgoingEnqueue: (sub, packet, cb) => {
      queueOf(sub.clientId).push(new PacketCopy(packet));
      process.nextTick(cb);
    },
    outgoingEnqueueCombi: (subs, packet, cb) => {
      for (const sub of subs) queueOf(sub.clientId).push(new PacketCopy(packet));
      process.nextTick(cb);
    },
    outgoingUpdate: (client: Client, packet, cb) => {
      if (queueOf(client.id).assignId(packet)) cb(null, client, packet);
      else cb(new Error('no such packet'), client, packet);
    },
    outgoingClearMessageId: (client: Client, packet, cb) => {
      const removed = queues.get(client.id)?.removeById(packet.messageId);
      if (removed) cb(null, removed);
      else cb();
    },
    // A snapshot, as the array store gives: clearing while streaming must not skip entries.
    outgoingStream: (client: Client) => Readable.from([...(queues.get(client.id)?.entries.values() ?? [])]),
  };
  return Object.assign(persistence, outgoing);
}
