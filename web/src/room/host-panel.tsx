// The host's and co-hosts' controls: the hand queue, invitations, people on stage and in the audience, live
// moderation flags with one-click actions and undo of the automatic action, effects LiveKit has not carried out,
// the room's settings and ending the room.
import { useState } from 'react';
import { Link } from 'wouter';
import { api } from '../api/client.js';
import { ActionButton, Badge, Button, Card, Empty, formatTime } from '../ui/kit.js';
import { ROLE_LABEL, type ModerationFlagEvent, type StageView } from './stage-types.js';

interface Props {
  roomId: string;
  stage: StageView;
  flags: ModerationFlagEvent[];
  accept(view: StageView): void;
  nameOf(id: string): string;
  selfId: string;
}

const UNDOABLE = new Set(['remove', 'move_to_audience', 'mute']);
const ACTION_LABEL: Record<string, string> = {
  notify: 'host notified',
  mute: 'muted',
  move_to_audience: 'moved to the audience',
  remove: 'removed from the room',
  log: 'logged',
};
const UNDO_EFFECT: Record<string, string> = {
  unbanned: 'may join again',
  invited_back: 'is invited back on stage',
  may_unmute: 'may unmute',
};

export function HostPanel({ roomId, stage, flags, accept, nameOf, selfId }: Props) {
  const mod = stage.moderation;
  const isHost = stage.you?.role === 'host';
  const base = `/v1/rooms/${roomId}`;
  const command = (method: 'post' | 'delete', path: string, body?: unknown) => async () =>
    accept(method === 'post' ? await api.post<StageView>(`${base}${path}`, body) : await api.delete<StageView>(`${base}${path}`));
  const others = stage.onStage.filter((p) => p.identity !== selfId);
  const pendingEffects = (mod?.effects ?? []).filter((e) => e.status !== 'applied');

  return (
    <section className="host-panel" aria-labelledby="host-panel-title">
      <div className="row host-panel-header">
        <h2 id="host-panel-title">Host controls</h2>
        <Link href={`/rooms/${roomId}/settings`}>Room settings</Link>
      </div>
      <div className="grid">
        <Card title="Raised hands" headingLevel={3}>
          {!stage.handRaisingEnabled ? <p>Hand raising is off.</p> : null}
          {mod && mod.hands.length > 0 ? (
            <ul className="list hand-queue" aria-label="Raised hands">
              {mod.hands.map((h) => (
                <li key={h.identity} className="row">
                  <span className="grow">
                    {nameOf(h.identity)} <span className="muted">since {formatTime(h.raisedAt, { timeStyle: 'short' })}</span>
                  </span>
                  <ActionButton variant="primary" action={command('post', `/stage/hands/${h.identity}/approve`)}>
                    Approve<Who name={nameOf(h.identity)} />
                  </ActionButton>
                  <ActionButton action={command('post', `/stage/hands/${h.identity}/dismiss`)}>
                    Dismiss<Who name={nameOf(h.identity)} />
                  </ActionButton>
                </li>
              ))}
            </ul>
          ) : (
            <Empty>No raised hands.</Empty>
          )}
          <ActionButton variant="ghost" action={async () => accept(await api.put<StageView>(`${base}/stage/hand-raising`, { enabled: !stage.handRaisingEnabled }))}>
            {stage.handRaisingEnabled ? 'Turn hand raising off' : 'Turn hand raising on'}
          </ActionButton>
        </Card>

        <Card title="On stage" headingLevel={3}>
          {others.length === 0 ? (
            <Empty>Only you are on stage.</Empty>
          ) : (
            <ul className="list" aria-label="Manage people on stage">
              {others.map((p) => {
                const name = nameOf(p.identity);
                return (
                  <li key={p.identity}>
                    <p className="person-line">
                      {name} <Badge>{ROLE_LABEL[p.role]}</Badge>
                    </p>
                    <div className="row">
                      <ActionButton action={command('post', `/stage/participants/${p.identity}/mute`)}>
                        Mute<Who name={name} />
                      </ActionButton>
                      {p.role !== 'host' ? (
                        <ActionButton action={command('post', `/stage/participants/${p.identity}/move-to-audience`)}>
                          Move to audience<Who name={name} prefix=" (" suffix=")" />
                        </ActionButton>
                      ) : null}
                      {isHost && p.role === 'speaker' ? (
                        <ActionButton action={command('post', `/stage/participants/${p.identity}/cohost`)}>
                          Make co-host<Who name={name} prefix=" (" suffix=")" />
                        </ActionButton>
                      ) : null}
                      {isHost && p.role === 'co_host' ? (
                        <ActionButton action={command('delete', `/stage/participants/${p.identity}/cohost`)}>
                          Unmake co-host<Who name={name} prefix=" (" suffix=")" />
                        </ActionButton>
                      ) : null}
                      {p.role !== 'host' ? (
                        <ActionButton variant="danger" action={command('post', `/stage/participants/${p.identity}/remove`, {})}>
                          Remove<Who name={name} suffix=" from the room" />
                        </ActionButton>
                      ) : null}
                    </div>
                  </li>
                );
              })}
            </ul>
          )}
        </Card>

        <Card title="Audience" headingLevel={3}>
          {mod && mod.audience.filter((id) => id !== selfId).length > 0 ? (
            <ul className="list" aria-label="Manage the audience">
              {mod.audience
                .filter((id) => id !== selfId)
                .map((id) => {
                  const name = nameOf(id);
                  const invited = mod.invites.some((i) => i.identity === id);
                  return (
                    <li key={id}>
                      <p className="person-line">
                        {name} {invited ? <Badge tone="info">Invited to speak</Badge> : null}
                      </p>
                      <div className="row">
                        {!invited ? (
                          <ActionButton action={command('post', '/stage/invites', { memberId: id })}>
                            Invite to speak<Who name={name} prefix=" (" suffix=")" />
                          </ActionButton>
                        ) : null}
                        <ActionButton variant="danger" action={command('post', `/stage/participants/${id}/remove`, {})}>
                          Remove<Who name={name} suffix=" from the room" />
                        </ActionButton>
                      </div>
                    </li>
                  );
                })}
            </ul>
          ) : (
            <Empty>No listeners yet.</Empty>
          )}
        </Card>

        <Card title="Moderation flags" headingLevel={3} className="flags-card">
          {flags.length === 0 ? (
            <Empty>No flags. When moderation flags something said on stage, it appears here.</Empty>
          ) : (
            <ul className="list flags" aria-label="Moderation flags" aria-live="polite">
              {flags.map((f) => (
                <FlagItem key={`${f.segmentId}-${f.actionId ?? ''}`} flag={f} roomId={roomId} nameOf={nameOf} command={command} onStage={stage.onStage.some((p) => p.identity === f.speaker)} />
              ))}
            </ul>
          )}
        </Card>

        {pendingEffects.length > 0 ? (
          <Card title="Not carried out yet" headingLevel={3}>
            <ul className="list" aria-label="Pending effects">
              {pendingEffects.map((e) => (
                <li key={e.id}>
                  {effectLabel(e.kind)} {nameOf(e.identity)}: <Badge tone={e.status === 'failed' ? 'bad' : 'warn'}>{e.status}</Badge>
                  {e.lastError ? <span className="muted"> {e.lastError}</span> : null}
                </li>
              ))}
            </ul>
          </Card>
        ) : null}

        {isHost ? <EndRoom roomId={roomId} accept={accept} /> : null}
      </div>
    </section>
  );
}

function FlagItem({
  flag,
  roomId,
  nameOf,
  command,
  onStage,
}: {
  flag: ModerationFlagEvent;
  roomId: string;
  nameOf(id: string): string;
  command(method: 'post', path: string, body?: unknown): () => Promise<void>;
  onStage: boolean;
}) {
  const [undone, setUndone] = useState<string | undefined>(undefined);
  const name = nameOf(flag.speaker);
  return (
    <li className="flag">
      <p className="person-line">
        <strong>{name}</strong> <Badge tone="bad">{flag.categories.join(', ') || 'flagged'}</Badge> <Badge tone="warn">{ACTION_LABEL[flag.action] ?? flag.action}</Badge>
      </p>
      <p className="muted flag-reason">{flag.reason}</p>
      <div className="row">
        {flag.actionId && UNDOABLE.has(flag.action) && !undone ? (
          <ActionButton
            action={async () => {
              const r = await api.post<{ effect: string }>(`/v1/rooms/${roomId}/moderation/actions/${flag.actionId}/undo`);
              setUndone(`Undone: ${name} ${UNDO_EFFECT[r.effect] ?? r.effect}.`);
            }}
          >
            Undo
            <Who name={name} prefix=" (" suffix={` ${ACTION_LABEL[flag.action] ?? flag.action})`} />
          </ActionButton>
        ) : null}
        {onStage ? (
          <>
            <ActionButton action={command('post', `/stage/participants/${flag.speaker}/mute`)}>
              Mute<Who name={name} />
            </ActionButton>
            <ActionButton action={command('post', `/stage/participants/${flag.speaker}/move-to-audience`)}>
              Move to audience<Who name={name} prefix=" (" suffix=")" />
            </ActionButton>
          </>
        ) : null}
        {flag.action !== 'remove' ? (
          <ActionButton variant="danger" action={command('post', `/stage/participants/${flag.speaker}/remove`, {})}>
            Remove<Who name={name} suffix=" from the room" />
          </ActionButton>
        ) : null}
      </div>
      {undone ? (
        <p role="status" className="undo-result">
          {undone}
        </p>
      ) : null}
    </li>
  );
}

function EndRoom({ roomId, accept }: { roomId: string; accept(view: StageView): void }) {
  const [confirming, setConfirming] = useState(false);
  return (
    <Card title="End the room" headingLevel={3}>
      {confirming ? (
        <div className="stack">
          <p>Everyone will be disconnected. This cannot be undone.</p>
          <div className="row">
            <ActionButton variant="danger" action={async () => accept(await api.post<StageView>(`/v1/rooms/${roomId}/end`))}>
              Yes, end the room
            </ActionButton>
            <Button onClick={() => setConfirming(false)}>Keep it open</Button>
          </div>
        </div>
      ) : (
        <Button variant="danger" onClick={() => setConfirming(true)}>
          End room
        </Button>
      )}
    </Card>
  );
}

function effectLabel(kind: string): string {
  return kind === 'grant_publish' ? 'Let speak:' : kind === 'revoke_publish' ? 'Stop publishing:' : kind === 'mute_track' ? 'Mute:' : 'Remove:';
}

/** The person a button acts on, for screen readers: the accessible name starts with the visible words. */
function Who({ name, prefix = ' ', suffix = '' }: { name: string; prefix?: string; suffix?: string }) {
  return <span className="visually-hidden">{`${prefix}${name}${suffix}`}</span>;
}
