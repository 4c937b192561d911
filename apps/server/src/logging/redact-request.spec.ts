import { redactRequest, redactUrl } from './redact-request';

const KEY = 'rc_9At7LBT4j_urCqdhlaRTgqS5H9Kr6US7Eb1cvGgkP4I';

describe('redactRequest', () => {
  it('drops the key from the Authorization and X-API-Key headers and keeps the others', () => {
    const out = redactRequest({
      id: 3, method: 'GET', url: '/units',
      headers: { host: 'h', authorization: `Bearer ${KEY}`, 'x-api-key': KEY, 'user-agent': 'curl' },
    });
    expect(JSON.stringify(out)).not.toContain(KEY);
    expect(out).toMatchObject({ id: 3, method: 'GET', url: '/units', headers: { host: 'h', 'user-agent': 'curl', authorization: '[redacted]' } });
  });

  it('drops the SSE ?access_token= from the URL and the parsed query', () => {
    const out = redactRequest({ url: `/units/stream?since=1&access_token=${KEY}`, query: { since: '1', access_token: KEY }, headers: {} });
    expect(JSON.stringify(out)).not.toContain(KEY);
    expect(out.url).toBe('/units/stream?since=1&access_token=[redacted]');
    expect(out.query).toEqual({ since: '1', access_token: '[redacted]' });
  });

  it('recognises the parameter however it is spelled or encoded, and leaves other URLs alone', () => {
    expect(redactUrl(`/x?ACCESS_TOKEN=${KEY}`)).not.toContain(KEY);
    expect(redactUrl(`/x?access%5Ftoken=${KEY}&a=b`)).toBe('/x?access%5Ftoken=[redacted]&a=b');
    expect(redactUrl('/x?a=%E0%A4%A&b=c')).toBe('/x?a=%E0%A4%A&b=c');
    expect(redactUrl('/units/AMB-01/track')).toBe('/units/AMB-01/track');
  });
});
