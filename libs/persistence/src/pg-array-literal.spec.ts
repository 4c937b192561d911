import { numberArrayLiteral, textArrayLiteral } from './pg-array-literal';

describe('PostgreSQL array literals', () => {
  it('prints numbers so that they read back as the same double, null as NULL', () => {
    expect(numberArrayLiteral([1, -0.5, 0.1 + 0.2, 1e-7, 1.7e308, null, 1732370000123])).toBe(
      '{1,-0.5,0.30000000000000004,1e-7,1.7e+308,NULL,1732370000123}',
    );
    expect(numberArrayLiteral([])).toBe('{}');
  });

  it('quotes every text element and escapes quotes and backslashes', () => {
    expect(textArrayLiteral(['U1', 'NULL', '', 'a,b', 'say "hi"', 'back\\slash', '{x}', null])).toBe(
      '{"U1","NULL","","a,b","say \\"hi\\"","back\\\\slash","{x}",NULL}',
    );
  });
});
