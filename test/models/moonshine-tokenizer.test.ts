import test from 'ava';
import { MoonshineTokenizer } from '../../models/stt/moonshine/moonshine-tokenizer.js';

/** Builds a tokenizer.bin: one length-prefixed entry per id, two-byte lengths from 128 on. */
function tokenizerBin(pieces: string[]): Buffer {
  const parts: Buffer[] = [];
  for (const p of pieces) {
    const bytes = Buffer.from(p, 'utf8');
    parts.push(bytes.length < 128 ? Buffer.from([bytes.length]) : Buffer.from([(bytes.length % 128) + 128, Math.floor(bytes.length / 128)]), bytes);
  }
  return Buffer.concat(parts);
}

const long = 'x'.repeat(200);
const vocab = ['<unk>', '<s>', '</s>', '\u2581Ask', '\u2581not', ',', '\u2581caf', 'é', long];

test('reads one-byte and two-byte length prefixes in id order', (t) => {
  const tok = MoonshineTokenizer.fromBytes(tokenizerBin(vocab));
  t.is(tok.size, vocab.length);
  t.is(tok.decode([8]), long);
});

test('decode joins pieces, turns the space mark into spaces and drops BOS/EOS/unk', (t) => {
  const tok = MoonshineTokenizer.fromBytes(tokenizerBin(vocab));
  t.is(tok.decode([1, 3, 4, 5, 6, 7, 2]), 'Ask not, café');
  t.is(tok.decode([0]), '');
});

test('ids past the vocabulary (padded logits) decode to nothing', (t) => {
  const tok = MoonshineTokenizer.fromBytes(tokenizerBin(vocab));
  t.is(tok.decode([3, 32767]), 'Ask');
});

test('a truncated file is a RangeError, a non-buffer a TypeError', (t) => {
  t.throws(() => MoonshineTokenizer.fromBytes(Buffer.from([5, 0x41])), { instanceOf: RangeError, message: /token 0/ });
  t.throws(() => MoonshineTokenizer.fromBytes('abc' as unknown as Uint8Array), { instanceOf: TypeError });
});
