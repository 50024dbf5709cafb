// What a participant does in the room: raise or lower a hand, answer an invitation to speak, step down, react.
import { REACTION_EMOJI } from '../../../engine/stage/reactions.js';
import { api } from '../api/client.js';
import { ActionButton, Card } from '../ui/kit.js';
import type { StageView } from './stage-types.js';

export function ParticipationPanel({ roomId, stage, accept, nameOf }: { roomId: string; stage: StageView; accept(view: StageView): void; nameOf(id: string): string }) {
  const you = stage.you;
  const run = (method: 'post' | 'delete', path: string) => async () => accept(await api[method]<StageView>(`/v1/rooms/${roomId}${path}`));
  // The API's fixed palette (its one home is the engine); the stage view carries the counts so far.
  const palette = REACTION_EMOJI.map((emoji) => [emoji, stage.reactions[emoji] ?? 0] as const);
  return (
    <Card title="Take part">
      <div className="stack">
        {you?.invitedBy ? (
          <div className="invite-notice" role="status">
            <p>{nameOf(you.invitedBy)} invited you to speak.</p>
            <div className="row">
              <ActionButton variant="primary" action={run('post', '/stage/invite/accept')}>
                Accept and go on stage
              </ActionButton>
              <ActionButton action={run('post', '/stage/invite/decline')}>Decline</ActionButton>
            </div>
          </div>
        ) : null}
        {you?.role === 'listener' ? (
          stage.handRaisingEnabled ? (
            <div className="row">
              {you.handRaised ? (
                <>
                  <p className="hand-state">Your hand is raised. The hosts can bring you on stage.</p>
                  <ActionButton action={run('delete', '/stage/hand')}>Lower hand</ActionButton>
                </>
              ) : (
                <ActionButton variant="primary" action={run('post', '/stage/hand')}>
                  Raise hand
                </ActionButton>
              )}
            </div>
          ) : (
            <p>The hosts turned hand raising off.</p>
          )
        ) : null}
        {you?.role === 'speaker' || you?.role === 'co_host' ? (
          <div className="row">
            <ActionButton action={run('post', '/stage/leave')}>Leave the stage</ActionButton>
          </div>
        ) : null}
        {palette.length > 0 ? (
          <div>
            <h3 id="react-heading">React</h3>
            <div className="row reactions" role="group" aria-labelledby="react-heading">
              {palette.map(([emoji, count]) => (
                <ActionButton key={emoji} variant="ghost" className="reaction" action={async () => accept(await api.post<StageView>(`/v1/rooms/${roomId}/stage/reactions`, { emoji }))}>
                  <span className="visually-hidden">React with </span>
                  {emoji} <span className="reaction-count">{count}</span>
                  <span className="visually-hidden"> so far</span>
                </ActionButton>
              ))}
            </div>
          </div>
        ) : null}
      </div>
    </Card>
  );
}
