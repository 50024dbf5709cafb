// The rule layer beside the model: deterministic detectors for personal data (phone and ID numbers in digits or
// spoken digits, card numbers that pass Luhn, US SSNs, street addresses, emails) and for links. Rules see what a
// sentence encoder is blind to (a 16-digit number that checks out is a card number whatever the words around it);
// they never decide alone on anything softer than that.

export type RuleKind = 'card_number' | 'national_id' | 'phone_or_id_number' | 'street_address' | 'email' | 'link';

export interface RuleFinding {
  kind: RuleKind;
  /** The matched text as it was said or written. */
  match: string;
  /** Score this finding gives its category (personal_data, or spam evidence for links). */
  score: number;
}

export const RULE_SCORES: Readonly<Record<RuleKind, number>> = {
  card_number: 0.98,
  national_id: 0.97,
  phone_or_id_number: 0.95,
  street_address: 0.92,
  // A work email said in a meeting is normal; an email is recorded as evidence, below any sensible threshold.
  email: 0.4,
  link: 0.3,
};

const DIGIT_WORDS: Readonly<Record<string, string>> = {
  zero: '0', oh: '0', o: '0', one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9',
};
const REPEAT_WORDS: Readonly<Record<string, number>> = { double: 2, triple: 3 };
/** Words after which a number is a work reference, not somebody's data. */
const WORK_REFERENCE = /\b(ticket|order|invoice|build|version|release|issue|bug|commit|case|pr|pull request|job|po|room|flight|extension|ext|line|step|item|page|chapter|port|error|code)s?\s*(number|no\.?|#|id)?\s*$/i;

interface Token {
  text: string;
  start: number;
  end: number;
}

function isDigitToken(t: Token | undefined): boolean {
  if (!t) return false;
  const lower = t.text.toLowerCase();
  return /^\d+$/.test(t.text) || (DIGIT_WORDS[lower] !== undefined && lower !== 'o' && lower !== 'oh') || REPEAT_WORDS[lower] !== undefined;
}

function tokens(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(/[A-Za-z]+|\d+|[^\sA-Za-z\d]/g)) out.push({ text: m[0], start: m.index, end: m.index + m[0].length });
  return out;
}

/** Digit runs: written digits and spoken digit words ("five five five", "double oh"), joined across the pauses and
 * separators people use when reading a number out (spaces, commas, dashes, dots, parentheses, "dash"). */
export function digitRuns(text: string): { digits: string; match: string; start: number; spoken: boolean }[] {
  if (typeof text !== 'string') throw new TypeError('digitRuns: text must be a string');
  const toks = tokens(text);
  const runs: { digits: string; match: string; start: number; spoken: boolean }[] = [];
  let cur: { digits: string; start: number; end: number; spoken: boolean; pending: number } | undefined;
  const flush = () => {
    if (cur && cur.digits.length > 0) runs.push({ digits: cur.digits, match: text.slice(cur.start, cur.end), start: cur.start, spoken: cur.spoken });
    cur = undefined;
  };
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    const lower = t.text.toLowerCase();
    let digits: string | undefined;
    let spoken = false;
    let consumed = 0;
    if (/^\d+$/.test(t.text)) digits = t.text;
    else if (REPEAT_WORDS[lower] && toks[i + 1] && (DIGIT_WORDS[toks[i + 1]!.text.toLowerCase()] || /^\d$/.test(toks[i + 1]!.text))) {
      const next = toks[i + 1]!.text.toLowerCase();
      digits = (DIGIT_WORDS[next] ?? next).repeat(REPEAT_WORDS[lower]!);
      spoken = true;
      consumed = 1;
    } else if (DIGIT_WORDS[lower] !== undefined && (lower !== 'o' && lower !== 'oh' ? true : cur !== undefined || isDigitToken(toks[i + 1]))) {
      digits = DIGIT_WORDS[lower];
      spoken = true;
    }
    if (digits !== undefined) {
      if (!cur) cur = { digits: '', start: t.start, end: t.end, spoken: false, pending: 0 };
      cur.digits += digits;
      cur.end = (consumed ? toks[i + consumed]! : t).end;
      cur.spoken ||= spoken;
      cur.pending = 0;
      i += consumed;
      continue;
    }
    // Separators keep a run open; a word ends it (except "dash" in a read-out number).
    if (cur && (/^[\s,.\-()/]$/.test(t.text) || lower === 'dash') && cur.pending < 2) {
      cur.pending++;
      continue;
    }
    flush();
  }
  flush();
  return runs;
}

export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

function isWrittenQuantity(match: string, before: string, after: string): boolean {
  const m = match.trim();
  if (/^\d{1,3}(,\d{3})+(\.\d+)?$/.test(m)) return true; // 1,234,567
  if (/^\d+\.\d+(\.\d+)*$/.test(m)) return true; // 3.1.7, 2.45
  if (/^\d{4}-\d{2}-\d{2}$/.test(m)) return true; // ISO date
  if (/[$€£]\s*$/.test(before) || /^\s*(%|percent|dollars|euros|pounds|k\b|m\b|million|thousand|ms|seconds|gb|mb)/i.test(after)) return true;
  return false;
}

const STREET = /\b\d{1,5}[A-Za-z]?\s+(?:[A-Z][a-z]+\s+){1,3}(?:Street|St|Avenue|Ave|Road|Rd|Lane|Ln|Drive|Dr|Court|Ct|Boulevard|Blvd|Way|Place|Pl|Terrace|Close|Crescent|Square|Highway|Hwy)\b\.?/g;
const STREET_FR = /\b\d{1,4}\s*,?\s+(?:rue|avenue|boulevard|place|chemin|via|calle|strasse|straße)\s+\S+/gi;
const SSN = /\b\d{3}-\d{2}-\d{4}\b/g;
const EMAIL = /\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b/g;
const SPOKEN_EMAIL = /\b[a-z][\w.]*\s+at\s+[a-z][\w-]*\s+dot\s+(?:com|org|net|io|co|de|fr|uk|edu)\b/gi;
/** Words before "at" that make "<word> at <name> dot com" a place, not an address. */
const NOT_A_LOCAL_PART = new Set(['in', 'me', 'us', 'it', 'them', 'him', 'her', 'you', 'out', 'up', 'on', 'online', 'here', 'there', 'look', 'available', 'site', 'now', 'today', 'free']);
const URL = /\b(?:https?:\/\/|www\.)\S+/gi;
const DOMAIN = /\b[\w-]+(?:\.[\w-]+)*\.(?:com|net|org|io|info|biz|xyz|ly|co|me|app|shop|online|site|top|click)\b(?:\/\S*)?/gi;
const SPOKEN_DOMAIN = /\b[\w-]+\s+dot\s+(?:com|net|org|io|info|biz|xyz|ly|co|me|app|shop|online|site)\b/gi;

/** Every finding in a text, in order of appearance. */
export function findRules(text: string): RuleFinding[] {
  if (typeof text !== 'string') throw new TypeError('findRules: text must be a string');
  const found: { at: number; f: RuleFinding }[] = [];
  const add = (at: number, kind: RuleKind, match: string) => found.push({ at, f: { kind, match, score: RULE_SCORES[kind] } });
  const ssnSpans: [number, number][] = [];
  for (const m of text.matchAll(SSN)) {
    add(m.index, 'national_id', m[0]);
    ssnSpans.push([m.index, m.index + m[0].length]);
  }
  const emailSpans: [number, number][] = [];
  for (const m of text.matchAll(EMAIL)) {
    add(m.index, 'email', m[0]);
    emailSpans.push([m.index, m.index + m[0].length]);
  }
  for (const m of text.matchAll(SPOKEN_EMAIL)) {
    if (NOT_A_LOCAL_PART.has(m[0].split(/\s+/)[0]!.toLowerCase())) continue; // "log in at x dot com" is a link
    add(m.index, 'email', m[0]);
    emailSpans.push([m.index, m.index + m[0].length]);
  }
  const inside = (spans: [number, number][], at: number) => spans.some(([a, b]) => at >= a && at < b);
  for (const run of digitRuns(text)) {
    if (inside(ssnSpans, run.start) || inside(emailSpans, run.start)) continue;
    const before = text.slice(0, run.start);
    const after = text.slice(run.start + run.match.length);
    if (!run.spoken && isWrittenQuantity(run.match, before, after)) continue;
    if (WORK_REFERENCE.test(before.slice(-30))) continue;
    const n = run.digits.length;
    if (n >= 13 && n <= 19 && luhnValid(run.digits)) add(run.start, 'card_number', run.match);
    else if (n >= 7 && n <= 16) add(run.start, 'phone_or_id_number', run.match);
  }
  for (const re of [STREET, STREET_FR]) for (const m of text.matchAll(re)) add(m.index, 'street_address', m[0]);
  const linkSpans: [number, number][] = [];
  for (const re of [URL, DOMAIN, SPOKEN_DOMAIN]) {
    for (const m of text.matchAll(re)) {
      if (inside(emailSpans, m.index) || inside(linkSpans, m.index)) continue;
      linkSpans.push([m.index, m.index + m[0].length]);
      add(m.index, 'link', m[0]);
    }
  }
  return found.sort((a, b) => a.at - b.at).map((x) => x.f);
}

/** The personal_data score the rules alone give a text (0 when nothing was found). */
export function rulePersonalDataScore(findings: readonly RuleFinding[]): number {
  return Math.max(0, ...findings.filter((f) => f.kind !== 'link').map((f) => f.score));
}

/** Links raise the spam score the model gave in proportion to it, never create one alone: 1 - (1 - p)(1 - link·p). */
export function ruleSpamScore(modelSpam: number, findings: readonly RuleFinding[]): number {
  const link = Math.max(0, ...findings.filter((f) => f.kind === 'link').map((f) => f.score));
  return link === 0 ? modelSpam : 1 - (1 - modelSpam) * (1 - link * modelSpam);
}
