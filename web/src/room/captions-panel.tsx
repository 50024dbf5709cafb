// Live captions of speech on stage, with the speaker's name; what moderation withheld is marked, never shown.
import { useEffect, useRef } from 'react';
import { Card, Empty } from '../ui/kit.js';
import type { CaptionEvent } from './stage-types.js';

export const WITHHELD_CAPTION = '[withheld by moderation]';

export function CaptionsPanel({ captions, nameOf }: { captions: CaptionEvent[]; nameOf(id: string): string }) {
  const end = useRef<HTMLLIElement | null>(null);
  useEffect(() => {
    end.current?.scrollIntoView({ block: 'nearest' });
  }, [captions.length]);
  return (
    <Card title="Live captions" className="captions-card">
      {captions.length === 0 ? (
        <Empty>Captions of what is said on stage appear here.</Empty>
      ) : (
        <div role="log" aria-live="polite" aria-label="Live captions" className="captions">
          <ol className="list">
          {captions.map((c, i) => (
            <li key={c.segmentId} ref={i === captions.length - 1 ? end : undefined} className={c.withheld ? 'caption withheld' : 'caption'}>
              <span className="caption-speaker">{nameOf(c.speaker)}:</span> <span className="caption-text">{c.withheld || c.text === null ? WITHHELD_CAPTION : c.text}</span>
            </li>
          ))}
          </ol>
        </div>
      )}
    </Card>
  );
}
