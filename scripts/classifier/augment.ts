// Training-only copies of the professional training rows (never of held-out rows): each joined after a harmless
// professional training line picked with a fixed seed (the classifier also scores "previous + current"), and an
// STT-like variant without punctuation. Same labels. Shared by the head trainer and the fine-tuning export.
import { mulberry32 } from '../../core/random.js';
import type { Example } from './datasets.js';

export interface Augmented {
  rows: Example[];
  /** The professional rows each copy was built from: a fold leaves out the copies of its rows too. */
  builtFrom: Map<Example, readonly Example[]>;
}

export function augmentProfessional(rows: readonly Example[], seed: number, source = 'professional'): Augmented {
  const rand = mulberry32(seed ^ 0x5eed);
  const train = rows.filter((e) => e.source === source);
  const benign = train.filter((e) => e.labels.length === 0);
  const out: Example[] = [];
  const builtFrom = new Map<Example, readonly Example[]>();
  for (const e of train) {
    const prev = benign[Math.floor(rand() * benign.length)]!;
    if (prev !== e) {
      const joined: Example = { ...e, split: 'train', source: 'professional_aug', id: `${e.id}+after:${prev.id}`, text: `${prev.text} ${e.text}` };
      builtFrom.set(joined, [e, prev]);
      out.push(joined);
    }
    const bare = e.text.replace(/[^\p{L}\p{N}'\s-]/gu, ' ').replace(/\s+/g, ' ').trim();
    if (bare !== e.text) {
      const copy: Example = { ...e, split: 'train', source: 'professional_aug', id: `${e.id}+bare`, text: bare };
      builtFrom.set(copy, [e]);
      out.push(copy);
    }
  }
  return { rows: out, builtFrom };
}
