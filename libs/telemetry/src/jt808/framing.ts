/**
 * JT/T 808 framing: 0x7E … 0x7E, with 0x7E → 0x7D 0x02 and 0x7D → 0x7D 0x01 inside; the checksum is
 * the XOR of header and body, computed on the unescaped bytes.
 */

export const FLAG = 0x7e;
const ESC = 0x7d;

/** Escapes header+body+checksum and adds the delimiters. */
export function jt808Escape(content: Uint8Array): Uint8Array {
  let extra = 0;
  for (const b of content) if (b === FLAG || b === ESC) extra++;
  const out = new Uint8Array(content.length + extra + 2);
  let j = 0;
  out[j++] = FLAG;
  for (const b of content) {
    if (b === FLAG) {
      out[j++] = ESC;
      out[j++] = 0x02;
    } else if (b === ESC) {
      out[j++] = ESC;
      out[j++] = 0x01;
    } else out[j++] = b;
  }
  out[j] = FLAG;
  return out;
}

/** Unescapes the bytes between the delimiters; a string describing the fault if the escaping is broken. */
export function jt808Unescape(inner: Uint8Array): Uint8Array | string {
  const out = new Uint8Array(inner.length);
  let j = 0;
  for (let i = 0; i < inner.length; i++) {
    const b = inner[i]!;
    if (b === FLAG) return `unescaped 0x7E at offset ${i + 1}`;
    if (b === ESC) {
      const n = inner[++i];
      if (n === 0x02) out[j++] = FLAG;
      else if (n === 0x01) out[j++] = ESC;
      else return n === undefined ? 'frame ends inside an escape' : `0x7D followed by 0x${n.toString(16).padStart(2, '0')} at offset ${i}`;
    } else out[j++] = b;
  }
  return out.subarray(0, j);
}

export function xorChecksum(bytes: Uint8Array, end = bytes.length): number {
  let x = 0;
  for (let i = 0; i < end; i++) x ^= bytes[i]!;
  return x;
}
