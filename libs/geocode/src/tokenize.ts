/**
 * Terms of a name for the search index. Chinese has no spaces, so a run of CJK characters gives its
 * single characters and its overlapping pairs (unigrams and bigrams, the usual n-gram scheme for
 * CJK full-text search): a query matches any part of a name, and one wrong character in a
 * four-character name still leaves most pairs and characters matching. Latin, Cyrillic and other
 * scripts split into words. Everything is folded first: full-width forms (NFKC), case, accents.
 */

/** Han ideographs (incl. extension A and compatibility), kana and Hangul: written without spaces. */
const CJK_CLASS = '[\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\u3040-\\u30ff\\uac00-\\ud7af]';
const CJK = new RegExp(CJK_CLASS, 'u');
/** Runs of CJK, or of other letters and digits (a word: 12号 is the word 12 and the character 号); anything else separates. */
const RUN = new RegExp(`(${CJK_CLASS}+)|((?:(?!${CJK_CLASS})[\\p{L}\\p{N}])+)`, 'gu');
const MARKS = /\p{M}+/gu;

/** Full-width to ASCII, lower case, accents off (Lòria → loria, ＡＢ１ → ab1). */
export function fold(text: string): string {
  return text.normalize('NFKC').toLowerCase().normalize('NFD').replace(MARKS, '').normalize('NFC');
}

/** A name as compared for exact and prefix matches: folded, without spaces and punctuation. */
export function compact(text: string): string {
  let out = '';
  for (const m of fold(text).matchAll(RUN)) out += m[0];
  return out;
}

export function isCjk(term: string): boolean {
  return CJK.test(term);
}

export interface Terms {
  /** Single CJK characters. */
  uni: string[];
  /** Overlapping CJK character pairs. */
  bi: string[];
  /** Words of other scripts and numbers. */
  word: string[];
}

export function terms(text: string): Terms {
  const out: Terms = { uni: [], bi: [], word: [] };
  for (const m of fold(text).matchAll(RUN)) {
    if (m[1] !== undefined) {
      const chars = [...m[1]];
      for (let i = 0; i < chars.length; i++) {
        out.uni.push(chars[i]!);
        if (i + 1 < chars.length) out.bi.push(chars[i]! + chars[i + 1]!);
      }
    } else {
      out.word.push(m[2]!);
    }
  }
  return out;
}

/** Every term of a text in one list (what a query searches for in all fields). */
export function queryTerms(text: string): string[] {
  const t = terms(text);
  return [...t.bi, ...t.uni, ...t.word];
}
