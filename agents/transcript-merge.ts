// Joins the texts of two pieces of one utterance that were decoded from overlapping audio (a forced cut with overlap,
// agents/utterance-chunker.ts): the end of `left` and the start of `right` are the same stretch of speech, so the
// words they share are kept once. The junction is the longest run of the same words among the last words of `left`
// and the first words of `right` (between runs as long, the one dropping fewest words: speech repeats short words,
// "is to be ... to be"); `left` is kept up to that run and `right` after it. Moonshine, given a piece that ends inside
// a word, sometimes loops on the words before the cut ("senior engineers in HALDUN board senior engineers in"): a run
// of three or more words repeated near the end of `left` marks where the loop starts, and `left` is cut there first.
// No shared word: the texts are joined. fast-diff (the kept diff library) compares characters; this is word-level.

/** Words of `left` searched back from its end: the overlap's 2–4 words plus what a looping decoder adds. */
export const JUNCTION_LEFT_WORDS = 12;
/** Words of `right` searched from its start: the overlap's words (the first one possibly sliced). */
export const JUNCTION_RIGHT_WORDS = 5;
/** A repeated run this long near the end of `left` is a decoder loop, not speech. */
const LOOP_WORDS = 3;

/** A word as compared: case, and punctuation around it, differ between pieces decoded separately. */
function comparable(word: string): string {
  return word.toLowerCase().replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
}

/** Where a decoder loop starts among the last words: the first run of LOOP_WORDS words that repeats an earlier one. */
export function loopStart(words: readonly string[]): number | undefined {
  const a = words.map(comparable);
  const from = Math.max(0, a.length - JUNCTION_LEFT_WORDS);
  const key = (i: number) => a.slice(i, i + LOOP_WORDS).join(' ');
  for (let p = from + 1; p + LOOP_WORDS <= a.length; p++) {
    for (let q = from; q < p; q++) if (key(q) === key(p) && a.slice(p, p + LOOP_WORDS).every((w) => w !== '')) return p;
  }
  return undefined;
}

/** Where `right` continues `left`: the shared run, or undefined when the two share no word near the junction. */
export function findJunction(left: readonly string[], right: readonly string[]): { leftEnd: number; rightStart: number; words: number } | undefined {
  const a = left.map(comparable);
  const b = right.map(comparable);
  let best: { leftEnd: number; rightStart: number; words: number; dropped: number } | undefined;
  for (let i = Math.max(0, a.length - JUNCTION_LEFT_WORDS); i < a.length; i++) {
    for (let j = 0; j < Math.min(JUNCTION_RIGHT_WORDS, b.length); j++) {
      let n = 0;
      while (i + n < a.length && j + n < b.length && a[i + n] !== '' && a[i + n] === b[j + n]) n++;
      if (n === 0) continue;
      const dropped = a.length - (i + n) + j;
      if (!best || n > best.words || (n === best.words && dropped < best.dropped)) best = { leftEnd: i + n, rightStart: j + n, words: n, dropped };
    }
  }
  return best && { leftEnd: best.leftEnd, rightStart: best.rightStart, words: best.words };
}

/** `left` then `right`, with the words decoded twice (the overlap) kept once. */
export function mergeOverlappingTexts(left: string, right: string): string {
  const all = left.split(/\s+/).filter(Boolean);
  const l = all.slice(0, loopStart(all) ?? all.length);
  const r = right.split(/\s+/).filter(Boolean);
  const junction = findJunction(l, r);
  const words = junction ? [...l.slice(0, junction.leftEnd), ...r.slice(junction.rightStart)] : [...l, ...r];
  return words.join(' ');
}
