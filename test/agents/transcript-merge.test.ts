// Merging the texts of two pieces decoded from overlapping audio: the shared words at the junction are kept once,
// the sliced words at either edge of the overlap are dropped, and texts that share nothing are joined whole.
import test from 'ava';
import { findJunction, mergeOverlappingTexts } from '../../agents/transcript-merge.js';

test('the words decoded twice are kept once', (t) => {
  t.is(mergeOverlappingTexts('how to onboard senior engineers', 'senior engineers into remote teams'), 'how to onboard senior engineers into remote teams');
});

test('a word sliced at the cut (end of left) and at the overlap start (start of right) is dropped', (t) => {
  // Left ends inside "into" ("in two"); right starts inside "onboard" ("board").
  t.is(mergeOverlappingTexts('how to onboard senior engineers in two', 'board senior engineers into remote teams'), 'how to onboard senior engineers into remote teams');
});

test('case and punctuation do not stop a match; the left piece keeps its own spelling', (t) => {
  t.is(mergeOverlappingTexts('I have ever met, Nobody in', 'nobody in this room.'), 'I have ever met, Nobody in this room.');
});

test('the longest shared run wins over a single common word', (t) => {
  // "the" occurs at both edges; the real junction is "the hiring plan".
  t.is(mergeOverlappingTexts('we reviewed the hiring plan for the', 'the hiring plan for the platform team'), 'we reviewed the hiring plan for the platform team');
  t.deepEqual(findJunction('we reviewed the hiring plan for the'.split(' '), 'the hiring plan for the platform team'.split(' ')), { leftEnd: 7, rightStart: 5, words: 5 });
});

test('a decoder that looped on the words before the cut: the loop is dropped before merging', (t) => {
  // Moonshine on a piece ending inside "into" (seen in bench/stt-chunking.ts): the repeated words are dropped.
  t.is(
    mergeOverlappingTexts('how to unboard senior engineers in HALDUN board senior engineers in', 'Engineers into remote teams.'),
    'how to unboard senior engineers into remote teams.',
  );
  t.is(
    mergeOverlappingTexts('you are a stupid idiot and nobody in this room wants to be a stupid idiot and nobody', 'In this reunion wants to hear your pathetic opinions.'),
    'you are a stupid idiot and nobody in this reunion wants to hear your pathetic opinions.',
  );
});

test('short words repeated in speech: the run dropping fewest words is the junction', (t) => {
  // Real speech (bench/stt-chunking.ts): the earliest "to be" would drop "rather cold-hearted ... selfish is".
  t.is(mergeOverlappingTexts('Unless to be rather cold-hearted and rather selfish is to be', 'is to be ill-disposed,'), 'Unless to be rather cold-hearted and rather selfish is to be ill-disposed,');
  t.is(mergeOverlappingTexts('you are a stupid idiot and you', 'and you are'), 'you are a stupid idiot and you are');
});

test('no shared word near the junction: both texts are kept whole', (t) => {
  t.is(mergeOverlappingTexts('you are a stupid idiot', 'nobody wants'), 'you are a stupid idiot nobody wants');
  t.is(findJunction(['a'], ['b']), undefined);
});

test('words far from the junction are not matched', (t) => {
  // "hiring" is more than twelve words before the end of left; "plans" is past the first five words of right.
  const left = 'hiring plans for the platform team this week and the interview loops for remote senior engineers';
  t.is(mergeOverlappingTexts(left, 'hiring more'), `${left} hiring more`);
  t.is(mergeOverlappingTexts('we made plans', 'then they all wrote down plans'), 'we made plans then they all wrote down plans');
});

test('an empty side leaves the other as it is', (t) => {
  t.is(mergeOverlappingTexts('', 'remote teams'), 'remote teams');
  t.is(mergeOverlappingTexts('remote teams', ''), 'remote teams');
  t.is(mergeOverlappingTexts('', ''), '');
});
