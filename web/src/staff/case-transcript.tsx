// The room's transcript around the flag (every speaker, with times), the flagged lines marked with their
// category scores and model versions, and the evidence clips, played from a Blob because the download needs the
// Authorization header (every read is audited by the API).
import { useEffect, useState } from 'react';
import { api, describeError } from '../api/client.js';
import { Button, Card, Empty, formatTime } from '../ui/kit.js';
import { categoryLabel, clockTime, percent, rankedScores } from './format.js';
import { useMemberNames } from './member-names.js';
import type { ClipMetadata, TranscriptLine } from './types.js';

export function TranscriptCard({ lines }: { lines: TranscriptLine[] }) {
  const nameOf = useMemberNames(lines.map((l) => l.speakerIdentity));
  return (
    <Card title="Transcript around the flag">
      {lines.length === 0 ? (
        <Empty>No transcript is attached to this case (a report without speech, or the transcript has passed its retention).</Empty>
      ) : (
        <ol className="staff-transcript" aria-label="Transcript, oldest first">
          {lines.map((l) => (
            <li key={l.segmentId} className={l.inCase ? 'staff-line staff-line-flagged' : 'staff-line'} aria-label={l.inCase ? `Flagged line by ${nameOf(l.speakerIdentity)}` : undefined}>
              <div className="staff-line-head">
                <time dateTime={l.startedAt} title={formatTime(l.startedAt, { dateStyle: 'medium', timeStyle: 'medium' })}>
                  {clockTime(l.startedAt)}
                </time>
                <strong className="staff-speaker">{nameOf(l.speakerIdentity)}</strong>
                {l.inCase ? <span className="badge badge-bad">Flagged</span> : null}
              </div>
              <p className="staff-line-text">{l.text}</p>
              {l.inCase && l.classification ? <Classification c={l.classification} /> : null}
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
}

function Classification({ c }: { c: NonNullable<TranscriptLine['classification']> }) {
  const flagged = new Set(c.categories);
  return (
    <div className="staff-scores">
      <table>
        <caption className="visually-hidden">Category scores of the flagged line</caption>
        <thead>
          <tr>
            <th scope="col">Category</th>
            <th scope="col">Score</th>
          </tr>
        </thead>
        <tbody>
          {rankedScores(c.scores).map(([category, score]) => (
            <tr key={category} className={flagged.has(category) ? 'staff-score-flagged' : undefined}>
              <th scope="row">
                {categoryLabel(category)}
                {flagged.has(category) ? ' (flagged)' : ''}
              </th>
              <td>
                <span className="staff-meter" aria-hidden="true">
                  <span style={{ width: `${Math.round(score * 100)}%` }} />
                </span>
                {percent(score)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="hint">
        Model <code>{c.modelVersion}</code> · taxonomy <code>{c.taxonomyVersion}</code> · policy <code>{c.policyVersion ?? '—'}</code>
      </p>
    </div>
  );
}

export function EvidenceCard({ caseId, clips }: { caseId: string; clips: ClipMetadata[] }) {
  const nameOf = useMemberNames(clips.map((c) => c.speakerIdentity));
  return (
    <Card title="Evidence">
      {clips.length === 0 ? (
        <Empty>No evidence audio is kept for this case.</Empty>
      ) : (
        <ul className="list">
          {clips.map((clip, i) => (
            <li key={clip.id}>
              <EvidenceClip caseId={caseId} clip={clip} label={`Evidence clip ${i + 1}: ${nameOf(clip.speakerIdentity)}, ${(clip.durationMs / 1000).toFixed(1)} s`} />
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

function EvidenceClip({ caseId, clip, label }: { caseId: string; clip: ClipMetadata; label: string }) {
  const [url, setUrl] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  useEffect(() => () => {
    if (url) URL.revokeObjectURL(url);
  }, [url]);
  const load = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const res = await api.get<Response>(`/v1/moderation/evidence/${clip.id}`, { query: { caseId, reason: 'case review' }, raw: true, headers: { accept: clip.mediaType } });
      const blob = await res.blob();
      setUrl(URL.createObjectURL(blob.type ? blob : new Blob([blob], { type: clip.mediaType })));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="stack">
      <p>
        <strong>{label}</strong>
        <br />
        <span className="hint">
          Kept until {formatTime(clip.retainUntil)} · includes {(clip.leadMs / 1000).toFixed(1)} s before the speech · opening it is recorded in the audit log
        </span>
      </p>
      {url ? (
        // eslint-disable-next-line jsx-a11y/media-has-caption -- the transcript above is the caption
        <audio controls src={url} aria-label={label} className="staff-audio" autoPlay />
      ) : (
        <Button busy={busy} onClick={() => void load()}>
          Load and play clip
        </Button>
      )}
      {error !== undefined ? (
        <p className="form-error" role="alert">
          {describeError(error)}
        </p>
      ) : null}
    </div>
  );
}
