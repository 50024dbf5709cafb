// The live stage of a room from the API's event stream (GET /v1/rooms/:roomId/stage/events): the stage as the
// member may see it, captions, moderation flags (moderators), and why the stream closed. Open only while joined.
import { useEffect, useState } from 'react';
import { openEventStream } from '../api/event-stream.js';
import type { CaptionEvent, ModerationFlagEvent, StageView } from './stage-types.js';

const KEEP_CAPTIONS = 50;
const KEEP_FLAGS = 50;

export interface StageStream {
  stage: StageView | undefined;
  captions: CaptionEvent[];
  flags: ModerationFlagEvent[];
  status: 'connecting' | 'open' | 'reconnecting' | 'closed';
  /** `stage_closed`'s reason (`not_in_room`, `session_ended`, …) or the error that closed the stream. */
  closedReason: string | undefined;
  error: unknown;
  /** A command's answer is the newer stage: show it at once instead of waiting for the stream. */
  accept(view: StageView): void;
}

export function useStageStream(roomId: string, enabled: boolean): StageStream {
  const [stage, setStage] = useState<StageView | undefined>(undefined);
  const [captions, setCaptions] = useState<CaptionEvent[]>([]);
  const [flags, setFlags] = useState<ModerationFlagEvent[]>([]);
  const [status, setStatus] = useState<StageStream['status']>('closed');
  const [closedReason, setClosedReason] = useState<string | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);

  useEffect(() => {
    if (!enabled) return;
    setClosedReason(undefined);
    setError(undefined);
    const handle = openEventStream(`/v1/rooms/${roomId}/stage/events`, {
      terminalEvents: ['stage_closed'],
      onStatus: (s, err) => {
        setStatus(s);
        if (err !== undefined) setError(err);
      },
      onEvent: (e) => {
        if (e.event === 'stage_state') setStage((prev) => newer(prev, e.data as StageView));
        else if (e.event === 'caption') setCaptions((prev) => [...prev.filter((c) => c.segmentId !== (e.data as CaptionEvent).segmentId), e.data as CaptionEvent].slice(-KEEP_CAPTIONS));
        else if (e.event === 'moderation_flag') setFlags((prev) => [e.data as ModerationFlagEvent, ...prev].slice(0, KEEP_FLAGS));
        else if (e.event === 'stage_closed') setClosedReason((e.data as { reason?: string }).reason ?? 'closed');
      },
    });
    return () => handle.close();
  }, [roomId, enabled]);

  return { stage, captions, flags, status, closedReason, error, accept: (view) => setStage((prev) => newer(prev, view)) };
}

/** Versions only grow; an ended stage is final. */
function newer(prev: StageView | undefined, next: StageView): StageView {
  if (!prev || next.ended || next.version >= prev.version) return next;
  return prev;
}
