// How the staff pages word things: category and status labels, scores, durations and short ids.

const CATEGORY_LABELS: Record<string, string> = {
  insult: 'Insult',
  severe: 'Severe toxicity',
  identity_hate: 'Identity hate',
  threat: 'Threat',
  harassment: 'Harassment',
  sexual: 'Sexual',
  self_harm: 'Self-harm',
  spam: 'Spam',
  personal_data: 'Personal data',
  other: 'Other',
};

export function categoryLabel(category: string): string {
  return CATEGORY_LABELS[category] ?? category.replace(/_/g, ' ');
}

export function percent(score: number | null | undefined): string {
  return score === null || score === undefined ? '—' : `${Math.round(score * 100)}%`;
}

/** Scores highest first, as `[category, score]`. */
export function rankedScores(scores: Record<string, number>): [string, number][] {
  return Object.entries(scores).sort((a, b) => b[1] - a[1]);
}

export function shortId(id: string | null | undefined): string {
  return id ? id.slice(0, 8) : '—';
}

export function formatDuration(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400} day${seconds === 86_400 ? '' : 's'}`;
  if (seconds % 3600 === 0) return `${seconds / 3600} hour${seconds === 3600 ? '' : 's'}`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/** "in 9 min" / "3 h ago": relative to `now`, coarse on purpose (the exact time is shown beside it). */
export function relativeTime(iso: string, now = Date.now()): string {
  const diff = Date.parse(iso) - now;
  const abs = Math.abs(diff);
  const unit = abs < 60_000 ? `${Math.max(1, Math.round(abs / 1000))} s` : abs < 3_600_000 ? `${Math.round(abs / 60_000)} min` : abs < 86_400_000 ? `${Math.round(abs / 3_600_000)} h` : `${Math.round(abs / 86_400_000)} d`;
  return diff >= 0 ? `in ${unit}` : `${unit} ago`;
}

/** Seconds since the clip's start as m:ss.s, for transcript lines relative to the flag. */
export function clockTime(iso: string): string {
  return new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export const STATUS_TONE: Record<string, 'neutral' | 'good' | 'warn' | 'bad' | 'info'> = {
  open: 'warn',
  resolved: 'good',
  upheld: 'neutral',
  overturned: 'info',
};

export const DECISION_LABELS: Record<string, string> = { dismiss: 'Dismiss', warn: 'Warn', suspend: 'Suspend', ban: 'Ban' };
