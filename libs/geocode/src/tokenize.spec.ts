import { compact, fold, queryTerms, terms } from './tokenize';

describe('tokenize', () => {
  it('splits a Chinese name into characters and overlapping pairs', () => {
    expect(terms('人民医院')).toEqual({ uni: ['人', '民', '医', '院'], bi: ['人民', '民医', '医院'], word: [] });
  });

  it('keeps CJK runs apart at spaces and punctuation, and words and numbers of other scripts whole', () => {
    expect(terms('淮南市 / Huainan')).toEqual({ uni: ['淮', '南', '市'], bi: ['淮南', '南市'], word: ['huainan'] });
    expect(terms('朝阳中路12号')).toEqual({ uni: ['朝', '阳', '中', '路', '号'], bi: ['朝阳', '阳中', '中路'], word: ['12'] });
  });

  it('folds case, accents and full-width forms', () => {
    expect(fold('Sant Julià de LÒRIA')).toBe('sant julia de loria');
    expect(terms('ＡＢＣ１２３')).toEqual({ uni: [], bi: [], word: ['abc123'] });
    expect(compact("L'Aldosa de Canillo")).toBe('laldosadecanillo');
    expect(compact('淮南市 第一人民医院')).toBe('淮南市第一人民医院');
  });

  it('a single character is one term, an empty text none', () => {
    expect(terms('院')).toEqual({ uni: ['院'], bi: [], word: [] });
    expect(queryTerms('  ,;  ')).toEqual([]);
  });

  it('queries search pairs, characters and words together', () => {
    expect(queryTerms('第一 Hospital')).toEqual(['第一', '第', '一', 'hospital']);
  });

  it('treats kana and hangul as CJK (no spaces between words)', () => {
    expect(terms('ソウル').bi).toEqual(['ソウ', 'ウル']);
    expect(terms('서울역').uni).toEqual(['서', '울', '역']);
  });
});
