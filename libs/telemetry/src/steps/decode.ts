import { Refusal } from './refusal';

// fatal: invalid UTF-8 is refused rather than silently turned into U+FFFD inside a field.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lossyUtf8 = new TextDecoder('utf-8');

/** Bytes kept of a refused oversize payload: enough to recognise the sender, bounded for the dead-letter table. */
export const TOO_LARGE_RAW_BYTES = 1024;

/** Step 1a: size limit, then UTF-8 text. */
export function decodeText(payload: Uint8Array, maxPayloadBytes: number): string | Refusal {
  if (payload.byteLength > maxPayloadBytes) {
    return new Refusal('too_large', `${payload.byteLength} bytes > maxPayloadBytes ${maxPayloadBytes}`);
  }
  try {
    return strictUtf8.decode(payload);
  } catch {
    return new Refusal('bad_json', 'payload is not valid UTF-8');
  }
}

/** Step 1b: JSON. */
export function decodeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    return new Refusal('bad_json', e instanceof Error ? e.message.slice(0, 200) : 'invalid JSON');
  }
}

/** The payload as a string for a dead letter, whatever its bytes (oversize ones cut). */
export function rawText(payload: Uint8Array, maxBytes = Infinity): string {
  const bytes = payload.byteLength > maxBytes ? payload.subarray(0, maxBytes) : payload;
  return lossyUtf8.decode(bytes);
}
