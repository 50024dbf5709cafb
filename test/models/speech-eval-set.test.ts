import test from 'ava';
import { defaultSpeechEvalDir, loadSpeechEvalSet, parseSphinxTranscription, parseTransTxt } from '../../bench/lib/speech-eval-set.js';

test('LibriSpeech transcript lines split into id and text', (t) => {
  t.deepEqual(parseTransTxt('1089-134686-0000 HE HOPED THERE\n1089-134686-0001 STUFF IT'), [
    { id: '1089-134686-0000', reference: 'HE HOPED THERE' },
    { id: '1089-134686-0001', reference: 'STUFF IT' },
  ]);
  t.throws(() => parseTransTxt('lonely-id'), { message: /no text/ });
});

test('Sphinx transcription lines drop <s></s> and take the id from the parentheses', (t) => {
  t.deepEqual(parseSphinxTranscription('<s> he was not an ill disposed young man </s> (sense-0880)\n'), [
    { id: 'sense-0880', reference: 'he was not an ill disposed young man' },
  ]);
  t.throws(() => parseSphinxTranscription('no id here'), { message: /not understood/ });
});

test('the shared eval set has every clip with audio and a reference', async (t) => {
  const items = await loadSpeechEvalSet(defaultSpeechEvalDir());
  t.is(items.length, 10);
  t.deepEqual([...new Set(items.map((i) => i.subset))], ['jfk', 'librispeech-test-clean', 'pocketsphinx-librivox']);
  t.true(items.every((i) => i.reference.length > 0 && /\.(wav|flac)$/.test(i.audioPath)));
});
