import test from 'ava';
import { alignWords, corpusWordErrorRate, normalizeTranscript, wordErrorRate } from '../../models/stt/wer.js';

test('normalisation ignores case, punctuation and hyphenation but keeps apostrophes inside words', (t) => {
  t.deepEqual(normalizeTranscript('Unless to be rather Cold-hearted, is to be ill\u2014disposed!'), [
    'unless', 'to', 'be', 'rather', 'cold', 'hearted', 'is', 'to', 'be', 'ill', 'disposed',
  ]);
  t.deepEqual(normalizeTranscript("Don\u2019t 'quote' me"), ["don't", 'quote', 'me']);
  t.deepEqual(normalizeTranscript('  '), []);
});

test('normalisation spells out Mr./Mrs./Dr. as the LibriVox references do', (t) => {
  t.deepEqual(normalizeTranscript('And Mr. John met Mrs. Smith and Dr. Who'), ['and', 'mister', 'john', 'met', 'missus', 'smith', 'and', 'doctor', 'who']);
});

test('identical texts have zero WER whatever their punctuation', (t) => {
  const r = wordErrorRate('ask not what your country can do for you', 'Ask not, what your country can do for you.');
  t.is(r.wer, 0);
  t.is(r.referenceWords, 9);
});

test('substitutions, deletions and insertions are each counted', (t) => {
  t.deepEqual(alignWords(['a', 'b', 'c'], ['a', 'x', 'c']), { substitutions: 1, deletions: 0, insertions: 0, referenceWords: 3 });
  t.deepEqual(alignWords(['a', 'b', 'c'], ['a', 'c']), { substitutions: 0, deletions: 1, insertions: 0, referenceWords: 3 });
  t.deepEqual(alignWords(['a', 'b'], ['a', 'b', 'c', 'd']), { substitutions: 0, deletions: 0, insertions: 2, referenceWords: 2 });
});

test('WER is edits over reference words and can exceed 1', (t) => {
  t.is(wordErrorRate('stew for dinner', 'stew four dinner').wer, 1 / 3);
  t.is(wordErrorRate('yes', 'no no no').wer, 3);
  t.is(wordErrorRate('one two three four', '').wer, 1);
});

test('empty reference: 0 for empty hypothesis, Infinity otherwise', (t) => {
  t.is(wordErrorRate('', '').wer, 0);
  t.is(wordErrorRate('...', 'hello').wer, Infinity);
});

test('corpus WER weights utterances by their length', (t) => {
  const r = corpusWordErrorRate([
    { reference: 'a b c d e f g h i j', hypothesis: 'a b c d e f g h i j' },
    { reference: 'k', hypothesis: 'z' },
  ]);
  t.is(r.wer, 1 / 11);
  t.is(r.referenceWords, 11);
  t.is(corpusWordErrorRate([]).wer, 0);
});

test('bad arguments are TypeErrors naming the argument', (t) => {
  t.throws(() => wordErrorRate(undefined as unknown as string, 'x'), { instanceOf: TypeError, message: /text/ });
  t.throws(() => alignWords('a b' as unknown as string[], []), { instanceOf: TypeError, message: /reference/ });
  t.throws(() => corpusWordErrorRate({} as unknown as []), { instanceOf: TypeError, message: /pairs/ });
});
