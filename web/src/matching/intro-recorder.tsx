// Records a spoken intro in the browser with MediaRecorder (Opus in WebM, or Ogg where that is what the browser
// makes — the API takes both), at most INTRO_MAX_SECONDS with a visible countdown; the member can stop early,
// listen before uploading, record again, and upload. The API's refusals (too long, refused by the safety check)
// are shown as they come.
import { useEffect, useRef, useState } from 'react';
import { api, describeError } from '../api/client.js';
import { Badge, Button } from '../ui/kit.js';
import { describeUploadError, useAuthorizedMedia, useObjectUrl } from './media.js';
import type { MatchingProfile } from './types.js';

/** The API's default MATCHING_INTRO_MAX_SECONDS; a server set lower answers intro_too_long, which is shown. */
export const INTRO_MAX_SECONDS = 20;
/** Stop a little before the limit: the recorder's last chunk may run a few tens of milliseconds over. */
const STOP_MARGIN_MS = 300;
const RECORDER_TYPES = ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus', 'audio/webm'];

type Phase = { kind: 'idle' } | { kind: 'starting' } | { kind: 'recording'; startedAt: number } | { kind: 'recorded'; blob: Blob; seconds: number } | { kind: 'uploading'; blob: Blob; seconds: number };

function recorderType(): string | undefined {
  if (typeof MediaRecorder === 'undefined') return undefined;
  return RECORDER_TYPES.find((t) => MediaRecorder.isTypeSupported(t));
}

export function IntroRecorder({ memberId, intro, onUploaded }: { memberId: string; intro: MatchingProfile['intro']; onUploaded: (intro: NonNullable<MatchingProfile['intro']>) => void }) {
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const [error, setError] = useState<string | undefined>(undefined);
  const [now, setNow] = useState(() => Date.now());
  const recorder = useRef<MediaRecorder | null>(null);
  const stream = useRef<MediaStream | null>(null);
  const stopTimer = useRef<number | undefined>(undefined);
  const stored = useAuthorizedMedia(intro ? `/v1/members/${memberId}/intro` : null, intro?.uploadedAt ?? '');
  const pendingBlob = phase.kind === 'recorded' || phase.kind === 'uploading' ? phase.blob : null;
  const previewUrl = useObjectUrl(pendingBlob);

  // The countdown ticks while recording.
  useEffect(() => {
    if (phase.kind !== 'recording') return;
    const t = window.setInterval(() => setNow(Date.now()), 200);
    return () => window.clearInterval(t);
  }, [phase.kind]);

  // Leaving the page releases the microphone.
  useEffect(() => () => release(), []);

  function release() {
    window.clearTimeout(stopTimer.current);
    if (recorder.current && recorder.current.state !== 'inactive') recorder.current.stop();
    stream.current?.getTracks().forEach((t) => t.stop());
    stream.current = null;
  }

  async function start() {
    setError(undefined);
    if (typeof MediaRecorder === 'undefined' || !navigator.mediaDevices?.getUserMedia) {
      setError('This browser cannot record audio. Try a current Chrome, Edge, Firefox or Safari.');
      return;
    }
    setPhase({ kind: 'starting' });
    let media: MediaStream;
    try {
      media = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true } });
    } catch (err) {
      setPhase({ kind: 'idle' });
      setError(err instanceof DOMException && err.name === 'NotAllowedError' ? 'The microphone was not allowed. Allow it in your browser and try again.' : `The microphone could not be opened: ${describeError(err)}`);
      return;
    }
    stream.current = media;
    const type = recorderType();
    const rec = new MediaRecorder(media, type ? { mimeType: type, audioBitsPerSecond: 32_000 } : undefined);
    const chunks: Blob[] = [];
    const startedAt = Date.now();
    rec.ondataavailable = (e) => {
      if (e.data.size > 0) chunks.push(e.data);
    };
    rec.onstop = () => {
      media.getTracks().forEach((t) => t.stop());
      const seconds = Math.min(INTRO_MAX_SECONDS, (Date.now() - startedAt) / 1000);
      setPhase({ kind: 'recorded', blob: new Blob(chunks, { type: rec.mimeType || type || 'audio/webm' }), seconds });
    };
    recorder.current = rec;
    rec.start();
    setNow(startedAt);
    setPhase({ kind: 'recording', startedAt });
    stopTimer.current = window.setTimeout(() => stop(), INTRO_MAX_SECONDS * 1000 - STOP_MARGIN_MS);
  }

  function stop() {
    window.clearTimeout(stopTimer.current);
    if (recorder.current && recorder.current.state !== 'inactive') recorder.current.stop();
  }

  async function uploadRecording(blob: Blob, seconds: number) {
    setError(undefined);
    setPhase({ kind: 'uploading', blob, seconds });
    try {
      const saved = await api.post<NonNullable<MatchingProfile['intro']>>('/v1/me/matching/intro', undefined, { blob: { data: blob, contentType: blob.type || 'audio/webm' } });
      setPhase({ kind: 'idle' });
      onUploaded(saved);
    } catch (err) {
      setPhase({ kind: 'recorded', blob, seconds });
      setError(describeUploadError(err));
    }
  }

  const left = phase.kind === 'recording' ? Math.max(0, Math.ceil(INTRO_MAX_SECONDS - (now - phase.startedAt) / 1000)) : INTRO_MAX_SECONDS;
  return (
    <div className="stack intro-recorder">
      <p className="hint" id="intro-hint">
        Up to {INTRO_MAX_SECONDS} seconds: who you are and what you would like to talk about. It is transcribed and checked before anyone hears it.
      </p>
      {intro ? (
        <div className="stack">
          <p>
            <Badge tone="good">Intro saved</Badge> {(intro.durationMs / 1000).toFixed(1)} s
          </p>
          {stored.url ? <audio controls src={stored.url} aria-label="Your saved intro" /> : stored.error ? <p className="inline-error">The saved intro could not be loaded: {describeError(stored.error)}</p> : <p className="hint">Loading your saved intro…</p>}
          {intro.transcript ? (
            <p className="intro-transcript">
              <span className="hint">What we heard: </span>“{intro.transcript}”
            </p>
          ) : null}
        </div>
      ) : null}

      {phase.kind === 'recording' ? (
        <div className="stack recording" aria-live="off">
          <p role="timer" aria-label={`${left} seconds left`} className="countdown">
            <span className="rec-dot" aria-hidden="true" /> Recording — <strong data-testid="intro-countdown">{left}</strong> s left
          </p>
          <progress max={INTRO_MAX_SECONDS} value={INTRO_MAX_SECONDS - left} aria-label="Time used of the intro" />
          <Button variant="danger" onClick={stop}>
            Stop recording
          </Button>
        </div>
      ) : phase.kind === 'recorded' || phase.kind === 'uploading' ? (
        <div className="stack">
          <p role="status">Recorded {phase.seconds.toFixed(1)} s. Listen to it before you upload.</p>
          {previewUrl ? <audio controls src={previewUrl} aria-label="Your new recording (not uploaded yet)" /> : null}
          <div className="row">
            <Button variant="primary" busy={phase.kind === 'uploading'} onClick={() => void uploadRecording(phase.blob, phase.seconds)}>
              {phase.kind === 'uploading' ? 'Uploading and checking…' : 'Upload this intro'}
            </Button>
            <Button disabled={phase.kind === 'uploading'} onClick={() => void start()}>
              Record again
            </Button>
            <Button variant="ghost" disabled={phase.kind === 'uploading'} onClick={() => setPhase({ kind: 'idle' })}>
              Discard
            </Button>
          </div>
        </div>
      ) : (
        <div className="row">
          <Button id="intro-record" variant="primary" aria-describedby="intro-hint" busy={phase.kind === 'starting'} onClick={() => void start()}>
            {intro ? 'Record a new intro' : 'Record your intro'}
          </Button>
        </div>
      )}
      {error ? (
        <p className="field-error" role="alert" data-testid="intro-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}
