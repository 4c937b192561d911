import type { Key } from './key';
import { CONFIG_KEYS } from './keys';

/** Marks around the generated table in README.md. */
export const TABLE_START = '<!-- config-table: generated from libs/config/src/keys.ts by `npm run config:readme` -->';
export const TABLE_END = '<!-- /config-table -->';

const cell = (s: string) => s.replace(/\|/g, '\\|');

/** The README's configuration table: one row per declared key, in declaration order. */
export function configTable(): string {
  const rows = (Object.values(CONFIG_KEYS) as Array<Key<unknown>>).map(
    (k) => `| \`${k.env}\` | ${cell(k.defaultText)} | ${cell(k.unit)} | ${cell(k.rangeText)} | ${cell(k.doc)} |`,
  );
  return ['| variable | default | unit | accepted | meaning |', '|---|---|---|---|---|', ...rows].join('\n');
}

/** README text with the block between the marks replaced by `table`; throws if the marks are missing. */
export function withConfigTable(readme: string, table: string = configTable()): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`README.md: no "${TABLE_START}" … "${TABLE_END}" block`);
  return `${readme.slice(0, start + TABLE_START.length)}\n${table}\n${readme.slice(end)}`;
}
