import memoryPersistence, { type AedesPersistence, type Packet } from 'aedes-persistence';
import type { Client } from 'aedes';
import { seededRandom } from '@rescue/common';
import { indexedOutgoingPersistence } from './indexed-outgoing';

const PacketCopy = (memoryPersistence as unknown as { Packet: new (p: object, broker?: object) => Packet }).Packet;
const client = (id: string) => ({ id }) as Client;

type Seen = string;

/** Runs one outgoing* call and says what it answered (error or not, which packet). */
function call(p: AedesPersistence, op: 'update' | 'clear', c: Client, packet: Packet): Promise<Seen> {
  return new Promise((resolve) => {
    if (op === 'update') p.outgoingUpdate(c, packet, (err) => resolve(err ? `error ${err.message}` : 'ok'));
    else p.outgoingClearMessageId(c, packet, (err, got) => resolve(err ? `error ${err.message}` : got ? `cleared #${got.brokerCounter}` : 'none'));
  });
}

async function streamed(p: AedesPersistence, c: Client): Promise<string[]> {
  const out: string[] = [];
  for await (const packet of p.outgoingStream(c)) out.push(`#${(packet as Packet).brokerCounter}:${(packet as Packet).messageId}`);
  return out;
}

describe('indexedOutgoingPersistence', () => {
  it('keeps queue order, gives ids and clears by id like the array store', async () => {
    const p = indexedOutgoingPersistence();
    const broker = { id: 'b1', counter: 0 };
    const c = client('ingest');
    const sent = [1, 2, 3].map((i) => new PacketCopy({ topic: `t/${i}`, qos: 1, payload: Buffer.from('x') }, broker));
    for (const s of sent) await new Promise<void>((r) => p.outgoingEnqueue({ clientId: c.id }, s, () => r()));
    // aedes sends each with a fresh packet id: the copy in the queue takes it.
    for (const [i, s] of sent.entries()) expect(await call(p, 'update', c, Object.assign(new PacketCopy(s), { messageId: 10 + i }))).toBe('ok');
    expect(await streamed(p, c)).toEqual(['#1:10', '#2:11', '#3:12']);
    expect(await call(p, 'clear', c, { messageId: 11 } as Packet)).toBe('cleared #2');
    expect(await call(p, 'clear', c, { messageId: 11 } as Packet)).toBe('none');
    expect(await streamed(p, c)).toEqual(['#1:10', '#3:12']);
    // After a reconnect the same packet is sent again under another id; the old id no longer clears it.
    expect(await call(p, 'update', c, Object.assign(new PacketCopy(sent[0]!), { messageId: 40 }))).toBe('ok');
    expect(await call(p, 'clear', c, { messageId: 10 } as Packet)).toBe('none');
    expect(await call(p, 'clear', c, { messageId: 40 } as Packet)).toBe('cleared #1');
    const unknown = new PacketCopy({ topic: 't/9', qos: 1 }, broker);
    expect(await call(p, 'update', c, unknown)).toBe('error no such packet');
    expect(await streamed(p, client('other'))).toEqual([]);
  });

  it('answers every call as aedes-persistence does, over a random sequence of sends, acks and replays', async () => {
    const random = seededRandom(17);
    const reference = memoryPersistence() as AedesPersistence;
    const indexed = indexedOutgoingPersistence();
    const broker = { id: 'b1', counter: 0 };
    const clients = [client('a'), client('b')];
    const queued: Packet[] = [];
    let nextId = 1;
    for (let step = 0; step < 3000; step++) {
      const c = clients[Math.floor(random() * clients.length)]!;
      const r = random();
      if (r < 0.35) {
        const packet = new PacketCopy({ topic: `t/${step}`, qos: 1, payload: Buffer.from('x') }, broker);
        queued.push(packet);
        await Promise.all([reference, indexed].map((p) => new Promise<void>((done) => p.outgoingEnqueue({ clientId: c.id }, packet, () => done()))));
      } else if (r < 0.7 && queued.length > 0) {
        const original = queued[Math.floor(random() * queued.length)]!;
        // aedes numbers its sends 1, 2, 3… (mod 65,535): two live packets never share an id here.
        const messageId = nextId++;
        const send = () => Object.assign(new PacketCopy(original), { messageId });
        expect(await call(indexed, 'update', c, send())).toBe(await call(reference, 'update', c, send()));
      } else {
        const ack = { messageId: random() < 0.1 ? undefined : 1 + Math.floor(random() * nextId) } as Packet;
        expect(await call(indexed, 'clear', c, ack)).toBe(await call(reference, 'clear', c, ack));
      }
      if (step % 100 === 0) for (const each of clients) expect(await streamed(indexed, each)).toEqual(await streamed(reference, each));
    }
    for (const each of clients) expect(await streamed(indexed, each)).toEqual(await streamed(reference, each));
  });
});
