/**
 * Watches the bytes of one MQTT connection and reports the first packet whose declared size (the
 * fixed header's "remaining length") is above the limit, as soon as the length is read: before its
 * body arrives. mqtt-packet, which aedes parses with, has no size limit and would buffer a declared
 * 256 MB packet in memory while a client trickles it in.
 */
export class MqttFrameGuard {
  private state: 'type' | 'length' | 'body' = 'type';
  private remaining = 0;
  private multiplier = 1;
  private lengthBytes = 0;

  constructor(private readonly maxBytes: number) {}

  /** Feeds the next bytes; returns the offending declared length (or Infinity if malformed), else -1. */
  feed(buf: Buffer): number {
    let i = 0;
    while (i < buf.length) {
      if (this.state === 'body') {
        const skip = Math.min(this.remaining, buf.length - i);
        this.remaining -= skip;
        i += skip;
        if (this.remaining === 0) this.state = 'type';
      } else if (this.state === 'type') {
        i++;
        this.state = 'length';
        this.remaining = 0;
        this.multiplier = 1;
        this.lengthBytes = 0;
      } else {
        const b = buf[i++]!;
        this.remaining += (b & 0x7f) * this.multiplier;
        this.multiplier *= 128;
        this.lengthBytes++;
        if (b & 0x80) {
          if (this.lengthBytes >= 4) return Infinity; // the protocol allows at most 4 length bytes
          continue;
        }
        if (this.remaining > this.maxBytes) return this.remaining;
        this.state = this.remaining === 0 ? 'type' : 'body';
      }
    }
    return -1;
  }
}
