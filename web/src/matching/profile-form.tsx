// The matching profile's text: headline, experience entries, skills, what the member offers and seeks, languages.
// PUT replaces it whole; the API's field errors (body.experience.0.description, …) land beside their inputs.
import { useState } from 'react';
import { api, ApiRequestError, describeFormError } from '../api/client.js';
import { Badge, Button, TextArea, TextField } from '../ui/kit.js';
import type { MatchingProfile } from './types.js';

const splitList = (text: string, separator: RegExp) =>
  text
    .split(separator)
    .map((s) => s.trim())
    .filter(Boolean);

interface Draft {
  headline: string;
  experience: { role: string; company: string; years: string; description: string }[];
  skills: string;
  offers: string;
  seeks: string;
  languages: string;
}

function draftOf(p: MatchingProfile): Draft {
  return {
    headline: p.headline,
    experience: p.experience.map((e) => ({ role: e.role, company: e.company, years: String(e.years), description: e.description })),
    skills: p.skills.join(', '),
    offers: p.offers.join('\n'),
    seeks: p.seeks.join('\n'),
    languages: p.languages.join(', '),
  };
}

export function ProfileForm({ profile, onSaved }: { profile: MatchingProfile; onSaved: (p: MatchingProfile) => void }) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(profile));
  const [error, setError] = useState<unknown>(undefined);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const apiError = error instanceof ApiRequestError ? error : undefined;
  // A field's own message, or the first about one of its items (body.skills.2 → the skills box).
  const fieldError = (f: string) => apiError?.details.find((d) => d.field === f || d.field.startsWith(`${f}.`))?.message;

  function update(patch: Partial<Draft>) {
    setSaved(false);
    setDraft((d) => ({ ...d, ...patch }));
  }
  function updateEntry(i: number, patch: Partial<Draft['experience'][number]>) {
    update({ experience: draft.experience.map((e, j) => (j === i ? { ...e, ...patch } : e)) });
  }

  async function save() {
    setSaving(true);
    setError(undefined);
    setSaved(false);
    try {
      // An empty years box is sent as null so the API names the field, rather than guessing a number here.
      const experience = draft.experience.map((e) => ({ role: e.role, company: e.company, years: e.years.trim() === '' ? null : Number(e.years), description: e.description }));
      const body = {
        headline: draft.headline,
        experience,
        skills: splitList(draft.skills, /,/),
        offers: splitList(draft.offers, /\n/),
        seeks: splitList(draft.seeks, /\n/),
        languages: splitList(draft.languages, /[,\s]+/),
      };
      const next = await api.put<MatchingProfile>('/v1/me/matching/profile', body);
      setDraft(draftOf(next));
      onSaved(next);
      setSaved(true);
    } catch (err) {
      setError(err);
    } finally {
      setSaving(false);
    }
  }

  return (
    <form
      className="stack"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <TextField id="matching-headline" label="Headline" hint="One line about what you do, e.g. Staff engineer at a fintech" value={draft.headline} onChange={(e) => update({ headline: e.target.value })} error={fieldError('body.headline')} />
      <fieldset className="stack" id="experience">
        <legend>Experience</legend>
        <p className="hint">Describe what you did in each role in a few sentences: matching counts roles with a real description.</p>
        {draft.experience.length === 0 ? <p className="hint">No experience yet.</p> : null}
        {draft.experience.map((e, i) => (
          <div className="card experience-entry" key={i} role="group" aria-label={`Experience ${i + 1}`}>
            <div className="grid experience-fields">
              <TextField id={`experience-${i}-role`} label="Role" value={e.role} onChange={(ev) => updateEntry(i, { role: ev.target.value })} error={fieldError(`body.experience.${i}.role`)} />
              <TextField id={`experience-${i}-company`} label="Company" value={e.company} onChange={(ev) => updateEntry(i, { company: ev.target.value })} error={fieldError(`body.experience.${i}.company`)} />
              <TextField id={`experience-${i}-years`} label="Years" type="number" inputMode="decimal" min={0} max={80} step={0.5} value={e.years} onChange={(ev) => updateEntry(i, { years: ev.target.value })} error={fieldError(`body.experience.${i}.years`)} />
            </div>
            <TextArea
              id={`experience-${i}-description`}
              label="What you did"
              hint={`${e.description.trim().length} characters`}
              rows={3}
              value={e.description}
              onChange={(ev) => updateEntry(i, { description: ev.target.value })}
              error={fieldError(`body.experience.${i}.description`)}
            />
            <Button variant="ghost" onClick={() => update({ experience: draft.experience.filter((_, j) => j !== i) })}>
              Remove this role
            </Button>
          </div>
        ))}
        <div className="row">
          <Button id="experience-add" onClick={() => update({ experience: [...draft.experience, { role: '', company: '', years: '1', description: '' }] })}>
            Add a role
          </Button>
        </div>
      </fieldset>
      <TextField id="matching-skills" label="Skills" hint="Separated by commas" value={draft.skills} onChange={(e) => update({ skills: e.target.value })} error={fieldError('body.skills')} />
      <TextArea id="matching-offers" label="I can help with…" hint="One per line" rows={3} value={draft.offers} onChange={(e) => update({ offers: e.target.value })} error={fieldError('body.offers')} />
      <TextArea id="matching-seeks" label="I'm looking for…" hint="One per line" rows={3} value={draft.seeks} onChange={(e) => update({ seeks: e.target.value })} error={fieldError('body.seeks')} />
      <TextField id="matching-languages" label="Languages you speak" hint="Language tags separated by commas, e.g. en, pt-BR" value={draft.languages} onChange={(e) => update({ languages: e.target.value })} error={fieldError('body.languages')} />
      <div className="row">
        <Button type="submit" variant="primary" busy={saving}>
          Save matching profile
        </Button>
        {saved ? (
          <span role="status">
            <Badge tone="good">Matching profile saved</Badge>
          </span>
        ) : null}
      </div>
      {error !== undefined ? (
        <p className="form-error" role="alert">
          {describeFormError(error)}
        </p>
      ) : null}
    </form>
  );
}
