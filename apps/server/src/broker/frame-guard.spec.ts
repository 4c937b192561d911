import { generate } from 'mqtt-packet';
import { MqttFrameGuard } from './frame-guard';

const publish = (bytes: number): Buffer => generate({ cmd: 'publish', topic: 't', payload: Buffer.alloc(bytes), qos: 0, dup: false, retain: false });

describe('MqttFrameGuard', () => {
  it('passes a stream of packets under the limit, however it is split', () => {
    const stream = Buffer.concat([publish(10), publish(1000), generate({ cmd: 'pingreq' }), publish(200_000), publish(0)]);
    for (const chunk of [1, 3, 7, 4096, stream.length]) {
      const g = new MqttFrameGuard(300_000);
      for (let i = 0; i < stream.length; i += chunk) expect(g.feed(stream.subarray(i, i + chunk))).toBe(-1);
    }
  });

  it('reports an oversized packet from its header alone, before the body arrives', () => {
    const g = new MqttFrameGuard(1000);
    expect(g.feed(publish(10))).toBe(-1);
    const big = publish(5000);
    expect(g.feed(big.subarray(0, 4))).toBe(5000 + 2 + 1); // topic length + topic + payload
  });

  it('reports a malformed length (a fifth continuation byte)', () => {
    expect(new MqttFrameGuard(1000).feed(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]))).toBe(Infinity);
  });
});
