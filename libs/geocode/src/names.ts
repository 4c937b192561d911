import type { Tags } from '@rescue/routing';

/** Name keys besides `name` and `name:<lang>`: other names people call a place by. */
const OTHER_NAMES = ['alt_name', 'old_name', 'official_name', 'short_name', 'loc_name', 'int_name', 'reg_name', 'nat_name'];

/**
 * Every name a feature is known by, main one first, each once: name, name:<lang> (name:zh, name:en,
 * name:zh_pinyin…), and the alternative keys with their language variants; `;`-separated lists split.
 */
export function namesOf(tags: Tags): string[] {
  const out: string[] = [];
  const add = (v: string | undefined): void => {
    if (v === undefined) return;
    for (const part of v.split(';')) {
      const s = part.trim();
      if (s !== '' && !out.includes(s)) out.push(s);
    }
  };
  add(tags['name']);
  add(tags['name:zh']);
  add(tags['name:zh-Hans']);
  for (const k of Object.keys(tags)) {
    if (k.startsWith('name:')) add(tags[k]);
  }
  for (const base of OTHER_NAMES) {
    for (const k of Object.keys(tags)) if (k === base || k.startsWith(`${base}:`)) add(tags[k]);
  }
  return out;
}

const HAS_CJK = /[\u3400-\u9fff\uf900-\ufaff]/u;

/**
 * A postal address from addr:* as it is written: Chinese big-to-small without spaces
 * (安徽省淮南市田家庵区朝阳中路12号), otherwise "street number, city". Null without street or place.
 */
export function addressOf(tags: Tags): string | null {
  const street = tags['addr:street'] ?? tags['addr:place'];
  const number = tags['addr:housenumber'];
  const areas = [tags['addr:province'], tags['addr:city'], tags['addr:district'], tags['addr:subdistrict'], tags['addr:suburb']].filter((s): s is string => !!s);
  if (street === undefined && areas.length === 0) return null;
  const cjk = HAS_CJK.test(street ?? areas.join(''));
  if (cjk) {
    const num = number === undefined ? '' : /^[0-9０-９-]+$/.test(number) ? `${number}号` : number;
    return [...areas, street ?? '', num].join('');
  }
  const line = [street, number].filter(Boolean).join(' ');
  return [line, ...areas.slice().reverse()].filter(Boolean).join(', ');
}
