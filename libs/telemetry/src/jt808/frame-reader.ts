import { FLAG } from './framing';

/** What the reader drops, by reason (the gateway counts them). */
export type FrameReaderDrop = 'frame_too_large' | 'bytes_outside_frame';

export interface FrameReaderEvents {
  frame(frame: Uint8Array): void;
  drop(reason: FrameReaderDrop, bytes: number): void;
}

/**
 * Cuts a TCP byte stream into 0x7E … 0x7E frames, whatever the segmentation: a frame split over many
 * reads, several frames in one read. Memory is bounded by `maxFrameBytes` (escaped, flags included):
 * a frame growing past it is dropped as `frame_too_large` and its bytes are skipped up to the next 0x7E,
 * taken as its end flag.
 * Bytes before an opening 0x7E are dropped as `bytes_outside_frame`. `7E 7E` (one frame's end flag
 * directly followed by the next one's start, or a stray flag) never makes an empty frame: the second
 * 0x7E opens the frame.
 */
export class Jt808FrameReader {
  /** Grown on demand (doubling, up to maxFrameBytes): most terminals send frames under 100 bytes. */
  private buf = new Uint8Array(0);
  private len = 0;
  private inFrame = false;
  private skipping = false;
  private outside = 0;

  constructor(
    readonly maxFrameBytes: number,
    private readonly on: FrameReaderEvents,
  ) {}

  /** Bytes held for an incomplete frame. */
  get buffered(): number {
    return this.len;
  }

  feed(chunk: Uint8Array): void {
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      if (!this.inFrame) {
        const at = chunk.indexOf(FLAG, i);
        if (at < 0) {
          this.outside += n - i;
          this.flushOutside();
          break;
        }
        this.outside += at - i;
        this.flushOutside();
        this.open();
        i = at + 1;
        continue;
      }
      const at = chunk.indexOf(FLAG, i);
      const end = at < 0 ? n : at;
      if (!this.skipping) {
        const take = end - i;
        if (this.len + take + 2 > this.maxFrameBytes) {
          this.skipping = true;
          this.on.drop('frame_too_large', this.len + take + 1);
          this.len = 0;
        } else {
          this.reserve(this.len + take + 2);
          this.buf.set(chunk.subarray(i, end), this.len + 1);
          this.len += take;
        }
      }
      if (at < 0) break;
      i = at + 1;
      if (this.skipping) {
        // most likely the oversized frame's end flag; if it was a start instead, the next frame's
        // `7E 7E` (its end, the following start) puts the reader back in step after one lost frame
        this.skipping = false;
        this.inFrame = false;
      } else if (this.len === 0) {
        // 7E 7E: stay open, the second flag starts the frame
      } else {
        const frame = this.buf.slice(0, this.len + 2);
        frame[0] = FLAG;
        frame[this.len + 1] = FLAG;
        this.inFrame = false;
        this.len = 0;
        if (this.buf.length > 1024) this.buf = new Uint8Array(0); // a rare large frame does not pin its buffer
        this.on.frame(frame);
      }
    }
  }

  private reserve(size: number): void {
    if (size <= this.buf.length) return;
    const next = new Uint8Array(Math.min(this.maxFrameBytes, Math.max(128, size, this.buf.length * 2)));
    next.set(this.buf.subarray(0, this.len + 1));
    this.buf = next;
  }

  private open(): void {
    this.inFrame = true;
    this.skipping = false;
    this.len = 0;
  }

  private flushOutside(): void {
    if (this.outside > 0) this.on.drop('bytes_outside_frame', this.outside);
    this.outside = 0;
  }
}
