// Who is on stage (with a speaking indicator from LiveKit) and how many listen; moderators also see the audience.
import { Badge, Card, Empty } from '../ui/kit.js';
import { ROLE_LABEL, type StageView } from './stage-types.js';

export function StagePanel({ stage, speaking, nameOf, selfId }: { stage: StageView; speaking: ReadonlySet<string>; nameOf(id: string): string; selfId: string }) {
  const audience = stage.moderation?.audience;
  return (
    <Card title="Stage">
      {stage.onStage.length === 0 ? (
        <Empty>Nobody is on stage.</Empty>
      ) : (
        <ul className="list stage-list" aria-label="On stage">
          {stage.onStage.map((p) => {
            const isSpeaking = speaking.has(p.identity);
            return (
              <li key={p.identity} className={`stage-person${isSpeaking ? ' is-speaking' : ''}`} data-identity={p.identity}>
                <span className="speaking-dot" aria-hidden="true" />
                <span className="stage-name">
                  {nameOf(p.identity)}
                  {p.identity === selfId ? ' (you)' : ''}
                </span>
                <Badge tone={p.role === 'speaker' ? 'neutral' : 'info'}>{ROLE_LABEL[p.role]}</Badge>
                {isSpeaking ? <Badge tone="good">Speaking</Badge> : null}
              </li>
            );
          })}
        </ul>
      )}
      <h3 className="audience-heading">Audience</h3>
      <p>
        {stage.listenerCount} {stage.listenerCount === 1 ? 'listener' : 'listeners'}
        {stage.raisedHandCount > 0 ? `, ${stage.raisedHandCount} with a raised hand` : ''}
      </p>
      {audience && audience.length > 0 ? (
        <ul className="list audience-list" aria-label="Audience">
          {audience.map((id) => (
            <li key={id}>
              {nameOf(id)}
              {id === selfId ? ' (you)' : ''}
            </li>
          ))}
        </ul>
      ) : null}
    </Card>
  );
}
