// The harm taxonomy every score, threshold and policy refers to. Versioned: a category added, removed or redefined
// is a new version, and scores stored with an older version keep meaning what they meant then.
export const TAXONOMY_VERSION = 'harm-taxonomy-v1';

export const HARM_CATEGORIES = [
  'insult',
  'severe',
  'identity_hate',
  'threat',
  'harassment',
  'sexual',
  'self_harm',
  'spam',
  'personal_data',
] as const;

export type HarmCategory = (typeof HARM_CATEGORIES)[number];

/** 'enforce' categories may lead to actions against the speaker; 'care' ones only to support (a wellbeing queue,
 * resources shown to the speaker) and never to muting or removal by default. */
export type CategoryKind = 'enforce' | 'care';

export interface CategoryDefinition {
  category: HarmCategory;
  kind: CategoryKind;
  definition: string;
}

export const TAXONOMY: Readonly<Record<HarmCategory, CategoryDefinition>> = {
  insult: { category: 'insult', kind: 'enforce', definition: 'Toxic, rude or demeaning language aimed at someone (Perspective "toxicity"/"insult").' },
  severe: { category: 'severe', kind: 'enforce', definition: 'Very hateful, aggressive or profane abuse (Perspective "severe toxicity").' },
  identity_hate: { category: 'identity_hate', kind: 'enforce', definition: 'Attacks on people for a protected attribute: gender, ethnicity, religion, sexual orientation, disability, age, origin.' },
  threat: { category: 'threat', kind: 'enforce', definition: 'Intent to harm someone physically, or to coerce them (blackmail, career threats, doxxing threats).' },
  harassment: { category: 'harassment', kind: 'enforce', definition: 'Targeted unwanted conduct: sexual harassment at work, quid-pro-quo, stalking, pile-ons, exclusion campaigns.' },
  sexual: { category: 'sexual', kind: 'enforce', definition: 'Sexually explicit talk.' },
  self_harm: { category: 'self_harm', kind: 'care', definition: 'The speaker expresses suicidal ideation, plans or self-injury. Care, not punishment.' },
  spam: { category: 'spam', kind: 'enforce', definition: 'Scams, credential phishing, fraud requests (gift cards, wire transfers), repeated self-promotion.' },
  personal_data: { category: 'personal_data', kind: 'enforce', definition: "Someone's phone number, address, ID, account or card number said aloud, in digits or spoken form." },
};

export function isHarmCategory(value: unknown): value is HarmCategory {
  return typeof value === 'string' && (HARM_CATEGORIES as readonly string[]).includes(value);
}

export const CARE_CATEGORIES: readonly HarmCategory[] = HARM_CATEGORIES.filter((c) => TAXONOMY[c].kind === 'care');
