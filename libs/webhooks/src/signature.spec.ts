import { createHmac } from 'node:crypto';
import { signatureOf, verifySignature } from './signature';

const SECRET = 'whsec_0123456789abcdef';
const BODY = '{"id":"e1","type":"task.created","data":{"x":"急救"}}';

describe('webhook signature', () => {
  it('is v1= hex HMAC-SHA256 of "<timestamp>.<body>" (what a receiver recomputes by hand)', () => {
    const expected = createHmac('sha256', SECRET).update(`1700000000.${BODY}`, 'utf8').digest('hex');
    expect(signatureOf(SECRET, 1700000000, BODY)).toBe(`v1=${expected}`);
  });

  it('verifies its own signature within the tolerance', () => {
    const sig = signatureOf(SECRET, 1700000000, BODY);
    expect(verifySignature(SECRET, BODY, '1700000000', sig, 1700000100)).toEqual({ ok: true });
  });

  it('refuses a changed body, another secret, another timestamp', () => {
    const sig = signatureOf(SECRET, 1700000000, BODY);
    expect(verifySignature(SECRET, BODY.replace('急救', '急诊'), '1700000000', sig, 1700000000)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifySignature('another-secret-0123', BODY, '1700000000', sig, 1700000000)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifySignature(SECRET, BODY, '1700000001', sig, 1700000000)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('refuses a timestamp outside the tolerance (a captured request replayed later)', () => {
    const sig = signatureOf(SECRET, 1700000000, BODY);
    expect(verifySignature(SECRET, BODY, '1700000000', sig, 1700000301)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses missing or malformed headers', () => {
    expect(verifySignature(SECRET, BODY, null, 'v1=00', 0)).toEqual({ ok: false, reason: 'missing' });
    expect(verifySignature(SECRET, BODY, 'soon', 'v1=00', 0)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifySignature(SECRET, BODY, '0', 'sha1=00', 0)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('accepts any of several v1 values (secret rotation)', () => {
    const sig = signatureOf(SECRET, 5, BODY);
    expect(verifySignature(SECRET, BODY, '5', `v1=deadbeef, ${sig}`, 5)).toEqual({ ok: true });
  });
});
