import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_KEYS } from './keys';
import { configTable, TABLE_END, TABLE_START, withConfigTable } from './readme-table';

const README = join(__dirname, '../../../README.md');

/** The rows of the README's configuration table: `variable` → its other cells. */
function readmeRows(readme: string): Map<string, string[]> {
  const block = readme.slice(readme.indexOf(TABLE_START) + TABLE_START.length, readme.indexOf(TABLE_END));
  const rows = new Map<string, string[]>();
  for (const line of block.split('\n')) {
    const m = /^\| `([A-Z0-9_]+)` \|(.*)\|$/.exec(line);
    if (m) rows.set(m[1]!, m[2]!.split(/(?<!\\)\|/).map((c) => c.trim()));
  }
  return rows;
}

describe("README's configuration table against the declarations in keys.ts", () => {
  const readme = readFileSync(README, 'utf8');
  const declared = Object.values(CONFIG_KEYS);

  it('lists every declared variable, and no other', () => {
    expect([...readmeRows(readme).keys()].sort()).toEqual(declared.map((k) => k.env).sort());
  });

  it('states the declared default, unit and range of each', () => {
    const rows = readmeRows(readme);
    for (const k of declared) {
      const [def, unit, range] = rows.get(k.env) ?? [];
      expect({ env: k.env, def, unit, range }).toEqual({ env: k.env, def: k.defaultText, unit: k.unit, range: k.rangeText.replace(/\|/g, '\\|') });
    }
  });

  it('is exactly the generated table (else: npm run config:readme)', () => {
    expect(withConfigTable(readme)).toBe(readme);
  });

  it('catches a README that drifted from the declarations', () => {
    const drifted = readme.replace('| `PORT` | 3000 |', '| `PORT` | 8080 |');
    expect(drifted).not.toBe(readme);
    expect(withConfigTable(drifted)).not.toBe(drifted);
    expect(readmeRows(drifted).get('PORT')![0]).not.toBe(CONFIG_KEYS.httpPort.defaultText);
    const missing = readme.replace(/^\| `LOG_LEVEL` .*\n/m, '');
    expect([...readmeRows(missing).keys()]).not.toContain('LOG_LEVEL');
  });

  it('has one row per key, in declaration order', () => {
    expect(configTable().split('\n').slice(2).map((r) => /`([A-Z0-9_]+)`/.exec(r)![1])).toEqual(declared.map((k) => k.env));
  });
});
