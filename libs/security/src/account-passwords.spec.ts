import { accountPasswordProblem, DUMMY_ACCOUNT_HASH, generateAccountPassword, hashAccountPassword, verifyAccountPassword } from './account-passwords';

describe('account passwords', () => {
  it('hashes with scrypt (parameters in the stored value) and verifies only the right password', async () => {
    const h = await hashAccountPassword('Correct-Horse-9');
    expect(h).toMatch(/^scrypt\$15\$8\$3\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(await verifyAccountPassword('Correct-Horse-9', h)).toBe(true);
    expect(await verifyAccountPassword('Correct-Horse-8', h)).toBe(false);
    // salted: the same password never hashes the same twice
    expect(await hashAccountPassword('Correct-Horse-9')).not.toBe(h);
  });

  it('old parameters stay verifiable, and a foreign or dummy value matches nothing', async () => {
    const weaker = await hashAccountPassword('Older-Pass-11', { logN: 12, r: 8, p: 1 });
    expect(await verifyAccountPassword('Older-Pass-11', weaker)).toBe(true);
    expect(await verifyAccountPassword('', DUMMY_ACCOUNT_HASH)).toBe(false);
    expect(await verifyAccountPassword('x', '$7$101$abc$def')).toBe(false);
    expect(await verifyAccountPassword('x', 'scrypt$30$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=')).toBe(false);
  });

  it.each([
    ['short', 'Ab1-', /至少 10/],
    ['two classes', 'abcdefghij12', /三类/],
    ['contains the username', 'Zhang.Wei-2026', /用户名/],
    ['too long', `Aa1-${'x'.repeat(130)}`, /最多/],
  ])('refuses a password: %s', (_, pw, why) => {
    expect(accountPasswordProblem(pw, 'zhang.wei')).toMatch(why);
  });

  it('accepts three classes of ten characters, and its own generated passwords', () => {
    expect(accountPasswordProblem('abcdefgh1-', 'zhang.wei')).toBeNull();
    for (let i = 0; i < 50; i++) expect(accountPasswordProblem(generateAccountPassword(), 'zhang.wei')).toBeNull();
  });
});
