// A child process holding many real @livekit/rtc-node participants for the load benches (forked by swarm.ts): each
// joins through the API's join ticket (so it is a real member of the room), then listeners subscribe to the speakers'
// audio and report what LiveKit tells them (captions, a speaker's track muted or unpublished), and speakers publish a
// microphone and talk continuously, reporting each utterance's wall-clock interval. Spread over several processes so
// one Node event loop does not carry every peer connection.
import { RoomEvent, TrackKind, dispose, type RemoteParticipant, type RemoteTrackPublication } from '@livekit/rtc-node';
import { MODERATION_TOPIC } from '../../agents/protocol.js';
import { CAPTIONS_TOPIC } from '../../engine/moderation/moderation-evaluator.js';
import { SpeakingParticipant } from '../../test/support/speaking-participant.js';
import { synthesizeSpeech } from '../../test/support/tts.js';
import type { SwarmCommand, SwarmEvent, SwarmMember } from './swarm.js';

const send = (event: SwarmEvent) => process.send!(event);
const participants: SpeakingParticipant[] = [];
let talking = true;

async function join(apiUrl: string, roomId: string, member: SwarmMember): Promise<{ url: string; token: string }> {
  // A loaded machine can be slow to answer: a few tries before giving up.
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(`${apiUrl}/v1/rooms/${roomId}/join`, {
      method: 'POST',
      headers: { authorization: `Bearer ${member.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ acceptTranscription: true }),
    }).catch((err: unknown) => err as Error);
    if (!(res instanceof Error) && res.status === 200) return (await res.json()) as { url: string; token: string };
    if (attempt >= 5) throw new Error(`join for ${member.memberId}: ${res instanceof Error ? res.message : `${res.status} ${await res.text()}`}`);
    await new Promise((r) => setTimeout(r, 1000 * attempt));
  }
}

async function connect(apiUrl: string, roomId: string, member: SwarmMember): Promise<SpeakingParticipant> {
  for (let attempt = 1; ; attempt++) {
    const ticket = await join(apiUrl, roomId, member);
    try {
      // A connect that hangs on a saturated box is abandoned (and retried) rather than blocking this process's queue.
      let timer: NodeJS.Timeout | undefined;
      const p = await Promise.race([
        SpeakingParticipant.connect(ticket.url, ticket.token),
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('connect timed out after 60 s')), 60_000))),
      ]).finally(() => clearTimeout(timer));
      participants.push(p);
      return p;
    } catch (err) {
      send({ type: 'survived', message: `connect attempt ${attempt} for ${member.memberId} failed: ${err instanceof Error ? err.message : String(err)}` });
      if (attempt >= 3) throw err;
    }
  }
}

async function listen(command: Extract<SwarmCommand, { type: 'listen' }>): Promise<void> {
  let next = 0;
  const one = async (member: SwarmMember, index: number) => {
    const p = await connect(command.apiUrl, command.roomId, member);
    const subscribed = new Set<string>();
    let ready = false;
    const check = () => {
      if (!ready && subscribed.size >= command.expectSpeakers) {
        ready = true;
        send({ type: 'ready', memberId: member.memberId });
      }
    };
    p.room.on(RoomEvent.TrackSubscribed, (track, _pub, participant) => {
      if (track.kind === TrackKind.KIND_AUDIO) subscribed.add(participant.identity);
      check();
    });
    for (const rp of p.room.remoteParticipants.values()) {
      for (const pub of rp.trackPublications.values()) if (pub.kind === TrackKind.KIND_AUDIO && pub.subscribed) subscribed.add(rp.identity);
    }
    check();
    const gone = (kind: 'muted' | 'unpublished') => (_pub: RemoteTrackPublication | unknown, participant: RemoteParticipant | unknown) => {
      const identity = (participant as RemoteParticipant | undefined)?.identity;
      if (identity) send({ type: 'track_gone', listener: member.memberId, speaker: identity, kind, at: Date.now() });
    };
    // A listener LiveKit dropped (or that is reconnecting) cannot be told anything: the parent excludes it.
    p.room.on(RoomEvent.Disconnected, ((reason: unknown) => send({ type: 'left', memberId: member.memberId, reason: String(reason), at: Date.now() })) as never);
    p.room.on(RoomEvent.Reconnecting, (() => send({ type: 'left', memberId: member.memberId, reason: 'reconnecting', at: Date.now() })) as never);
    p.room.on(RoomEvent.TrackMuted, gone('muted') as never);
    p.room.on(RoomEvent.TrackUnpublished, gone('unpublished') as never);
    if (index < command.captionRecorders) {
      p.room.on(RoomEvent.DataReceived, (payload: Uint8Array, _p?: unknown, _k?: unknown, topic?: string) => {
        if (topic !== CAPTIONS_TOPIC) return;
        const at = Date.now();
        const msg = JSON.parse(new TextDecoder().decode(payload)) as { segmentId: string; speaker: string; endedAt: string; startedAt: string; withheld: boolean; text: string | null };
        send({ type: 'caption', listener: member.memberId, segmentId: String(msg.segmentId), speaker: msg.speaker, startedAt: msg.startedAt, endedAt: msg.endedAt, text: msg.text, at });
      });
    }
  };
  // A few connects at a time: each is a WebRTC negotiation, and the box is small.
  await Promise.all(
    Array.from({ length: Math.min(command.concurrency, command.members.length) }, async () => {
      while (next < command.members.length) {
        const i = next++;
        // One listener that cannot connect does not take the others down: it is reported, the parent counts who is ready.
        await one(command.members[i]!, i).catch((err: unknown) =>
          send({ type: 'survived', message: `gave up on listener ${command.members[i]!.memberId}: ${err instanceof Error ? err.message : String(err)}` }),
        );
      }
    }),
  );
}

async function speak(command: Extract<SwarmCommand, { type: 'speak' }>): Promise<void> {
  const speech = await Promise.all(command.sentences.map((s) => synthesizeSpeech(s)));
  await Promise.all(
    command.members.map(async (member, m) => {
      const p = await connect(command.apiUrl, command.roomId, member);
      if (!member.publish) {
        send({ type: 'ready', memberId: member.memberId });
        return;
      }
      // The agent tells each speaker when it transcribes them: from then on every utterance counts.
      const notice = p.waitForData(MODERATION_TOPIC, command.agentTimeoutMs);
      await p.publishMicrophone();
      await notice;
      send({ type: 'ready', memberId: member.memberId });
      void (async () => {
        // Speakers start at different sentences so rooms and speakers do not say the same thing at once.
        for (let index = 0; talking; index++) {
          const sentence = (index + m) % speech.length;
          const startedAt = Date.now();
          await p.speak(speech[sentence]!);
          const endedAt = Date.now();
          send({ type: 'utterance', memberId: member.memberId, index, sentence, startedAt, endedAt });
          await p.silence(command.gapSeconds);
        }
      })().catch((err: unknown) => talking && send({ type: 'error', message: `speaker ${member.memberId}: ${String(err)}` }));
    }),
  );
}

process.on('message', (command: SwarmCommand) => {
  if (command.type === 'hush') {
    // Speakers finish the utterance they are in and fall silent (their tracks stay published).
    talking = false;
    return;
  }
  if (command.type === 'stop') {
    talking = false;
    void (async () => {
      await new Promise((r) => setTimeout(r, 300));
      await Promise.all(participants.map((p) => p.disconnect().catch(() => undefined)));
      await dispose().catch(() => undefined);
      process.exit(0);
    })();
    return;
  }
  const run = command.type === 'listen' ? listen(command) : speak(command);
  run.catch((err: unknown) => send({ type: 'error', message: err instanceof Error ? err.message : String(err) }));
});
// rtc-node's FFI finalizer can throw "trying to drop an invalid handle" (or "handle not found") at GC time for the
// room of a connect that failed and was retried: that belongs to the failed attempt, so it is reported and survived
// rather than ending every other participant of this process. Anything else ends the process.
process.on('uncaughtException', (err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  if (/invalid handle|handle not found/.test(message)) {
    send({ type: 'survived', message });
    return;
  }
  send({ type: 'error', message: `uncaught: ${message}` });
  process.exit(1);
});
// The parent went away (crash, Ctrl-C): leave rather than hold peer connections open.
process.on('disconnect', () => process.exit(0));
