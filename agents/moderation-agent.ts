// The moderation agent's job entry: loaded by @livekit/agents in a job process for every room it is dispatched to.
// It joins hidden, subscribes to every microphone on stage and transcribes each speaker separately.
import { type JobContext, type JobProcess, defineAgent, AutoSubscribe, type VAD } from '@livekit/agents';
import { AudioStream, RoomEvent, TrackKind, type RemoteParticipant, type RemoteTrack, type RemoteTrackPublication } from '@livekit/rtc-node';
import { loadConfig } from '../core/config.js';
import { createLogger } from '../core/logger.js';
import { connectPostgres } from '../db/database.js';
import { RoomStore } from '../engine/rooms/room-store.js';
import { EvidenceStore } from '../engine/evidence/evidence-store.js';
import { TranscriptStore } from '../engine/transcripts/transcript-store.js';
import { RemoteClassifier, RemoteRecognizer } from './inference/remote-models.js';
import { HarmClassifier } from '../models/classifier/harm-classifier.js';
import { createRecognizer } from '../models/stt/create-recognizer.js';
import type { SpeechRecognizer } from '../models/stt/speech-recognizer.js';
import { InFlight, WorkerLink, holdExitUntil, registerDrainThenClose, unlessWorkerGone } from './job-shutdown.js';
import { loadSileroVad } from './silero-vad.js';
import { MODERATION_TOPIC, type TranscriptionStartedNotice } from './protocol.js';
import { SpeakerTranscriber } from './speaker-transcriber.js';
import { DEFAULT_CHUNKING } from './utterance-chunker.js';
import { SpeakerAudioRing } from './evidence-ring-buffer.js';
import { ModeratingSink } from './moderating-sink.js';
import { SegmentSpool } from './segment-spool.js';
import { SegmentWriter } from './segment-writer.js';
import path from 'node:path';
import type { AudioFrame } from '@livekit/rtc-node';
import { RoomServiceClient } from 'livekit-server-sdk';
import { toHttpUrl } from '../engine/gateway/livekit-gateway.js';
import {
  HANDOVER_TOPIC,
  HandoverGate,
  SpeechActivity,
  StoppableAudio,
  TRANSCRIBING_ATTRIBUTE,
  chooseCut,
  handoverSourceOf,
  parseHandoverMessage,
  sendHandoverMessage,
  waitForPause,
} from './job-handover.js';

const SAMPLE_RATE = 16000;
/** A replacement stores nothing until the old agent's cut; after this without one it takes over on its own. */
const HANDOVER_HOLD_MAX_MS = 120_000;
/** How long an agent handing over waits for a pause of the speakers to cut in. */
const HANDOVER_PAUSE_WAIT_MS = 8000;
/** Most a job whose worker died stays up (out of the room) to finish what it owes with its own models: the
 * shutdown callback's drain (30 s) plus storing and closing. */
const ORPHAN_FINISH_MAX_MS = 45_000;


interface ProcessModels {
  vad: VAD;
  /** Only with AGENT_INFERENCE=per_job (the measured baseline): this job process's own copies. */
  own?: { recognizer: SpeechRecognizer; classifier: HarmClassifier };
}

/** Copies each frame into the speaker's evidence ring as it passes to the transcriber (16 kHz mono, as subscribed). */
async function* tapInto(ring: SpeakerAudioRing, audio: AsyncIterable<AudioFrame>): AsyncGenerator<AudioFrame> {
  for await (const frame of audio) {
    ring.push(frame.data.subarray(0, frame.samplesPerChannel * frame.channels));
    yield frame;
  }
}

export default defineAgent({
  // The VAD loads per job process, before a job is assigned; the speech model and the classifier are the worker's
  // inference process's, shared by every room (agents/inference/).
  prewarm: async (proc: JobProcess) => {
    const config = loadConfig();
    const vad = await loadSileroVad(config);
    if (config.agent.inference === 'shared') {
      proc.userData.models = { vad } satisfies ProcessModels;
      return;
    }
    const [recognizer, classifier] = await Promise.all([createRecognizer(config), HarmClassifier.load({ modelsDir: config.dirs.models, threads: config.stt.ortThreads })]);
    proc.userData.models = { vad, own: { recognizer, classifier } } satisfies ProcessModels;
  },
  entry: async (ctx: JobContext) => {
    const config = loadConfig();
    const log = createLogger(config.logLevel, 'moderation-agent').child({ room: ctx.room.name, job: ctx.job.id });
    const models = ctx.proc.userData.models as ProcessModels;
    const databaseUrl = process.env.DATABASE_URL;
    if (!databaseUrl) throw new Error('DATABASE_URL is not set for the agent worker');
    const db = await connectPostgres(databaseUrl, log);
    // One callback: the in-flight transcriptions store their last segments before the pool closes.
    const inFlight = new InFlight();
    // The spool is tried once more before the pool closes; what stays on disk is written by the room's next job.
    let writer: SegmentWriter | undefined;
    let closed!: () => void;
    const finished = new Promise<void>((resolve) => (closed = resolve));
    registerDrainThenClose(ctx, inFlight, async () => {
      try {
        writer?.stop();
        const left = (await writer?.flush()) ?? 0;
        if (left > 0) log.warn({ left }, 'job shutdown: spooled segments stay on disk for the next job of this room or a worker\'s spool sweeper on this host');
        await db.close();
      } finally {
        closed();
      }
    }, { log });
    // The worker killed or crashed (its IPC channel closed): leave the room now, so agent supervision dispatches a
    // replacement within its interval instead of after the framework's 15 s orphan timeout. The audio ends (each
    // transcriber closes its utterance in progress); what the dead worker's inference process never answered is
    // recognised and scored by this job's own models (loaded then), and the shutdown callback above stores or spools
    // it, exactly once, before the process exits.
    const workerLink = new WorkerLink(process);
    const audios = new Set<StoppableAudio>();
    workerLink.onGone(() => {
      log.warn({ speakers: audios.size, inFlight: inFlight.size }, 'agent worker gone: leaving the room, finishing the utterances it heard, exiting');
      holdExitUntil(finished, ORPHAN_FINISH_MAX_MS, log);
      for (const a of audios) a.stop();
      ctx.shutdown('agent worker gone');
    });
    let ownModels: Promise<{ recognizer: SpeechRecognizer; classifier: HarmClassifier }> | undefined;
    const loadOwnModels = () =>
      (ownModels ??= (async () => {
        const startedMs = Date.now();
        const [recognizer, classifier] = await Promise.all([createRecognizer(config), HarmClassifier.load({ modelsDir: config.dirs.models, threads: config.stt.ortThreads })]);
        log.info({ ms: Date.now() - startedMs }, 'agent worker gone: own models loaded to finish the utterances in flight');
        return { recognizer, classifier };
      })());

    await ctx.connect(undefined, AutoSubscribe.AUDIO_ONLY);
    if (workerLink.gone) return;
    const roomName = ctx.room.name ?? '';
    const room = await new RoomStore(db.pool).findByLivekitName(roomName);
    if (!room) {
      log.warn('room is not known to Roundtable; leaving');
      ctx.shutdown('unknown room');
      return;
    }
    const transcripts = new TranscriptStore(db.pool);
    const inference = workerLink.guard(ctx.inferenceExecutor);
    const remote = { recognizer: new RemoteRecognizer(inference, config.stt.model), classifier: new RemoteClassifier(inference) };
    const recognizer: SpeechRecognizer = models.own?.recognizer ?? {
      id: remote.recognizer.id,
      capabilities: remote.recognizer.capabilities,
      transcribe: (pcm, opts) => unlessWorkerGone(() => remote.recognizer.transcribe(pcm), async () => (await loadOwnModels()).recognizer.transcribe(pcm, opts)),
      close: async () => undefined,
    };
    const classifier: Pick<HarmClassifier, 'classify'> = models.own?.classifier ?? {
      classify: (text, opts) => unlessWorkerGone(() => remote.classifier.classify(text, opts), async () => (await loadOwnModels()).classifier.classify(text, opts)),
    };
    // While the database is away, segments wait on local disk (one spool per room) and are written when it is back.
    writer = new SegmentWriter({
      transcripts,
      evidence: new EvidenceStore(db.pool),
      spool: new SegmentSpool(path.join(config.dirs.data, 'agent-spool', room.id)),
      log,
    });
    await writer.start();
    if (workerLink.gone) return;

    // Drain hand-over (agents/job-handover.ts): a replacement holds its segments until the old agent's cut.
    const me = ctx.room.localParticipant?.identity ?? '';
    const handoverFrom = handoverSourceOf(ctx.job.metadata);
    const gate = handoverFrom ? HandoverGate.holding() : HandoverGate.open();
    const activity = new SpeechActivity();
    const transcribing = new Set<string>();
    const lkRooms = new RoomServiceClient(toHttpUrl(config.livekit.url), config.livekit.apiKey, config.livekit.apiSecret);
    let handingOver = false;
    if (handoverFrom) {
      log.info({ from: handoverFrom }, 'hand-over: replacing an agent of a draining worker; holding segments until its cut');
      // Without a cut (the old agent died midway), take over after the last segment stored for the room.
      const fallback = setTimeout(() => {
        void (async () => {
          if (!gate.holding) return;
          const { rows } = await db.pool.query<{ last: Date | null }>('SELECT max(ended_at) AS last FROM transcript_segments WHERE room_id = $1', [room.id]);
          const fromMs = (rows[0]?.last?.getTime() ?? 0) - 300;
          log.warn({ from: handoverFrom, fromMs }, 'hand-over: no cut from the old agent; taking over after the last stored segment');
          gate.release(fromMs);
        })().catch((err: unknown) => log.error({ err }, 'hand-over fallback failed'));
      }, HANDOVER_HOLD_MAX_MS);
      fallback.unref();
    }
    const markTranscribing = (trackSid: string): void => {
      if (!handoverFrom || transcribing.has(trackSid)) return;
      transcribing.add(trackSid);
      // The draining worker reads this from LiveKit to know the replacement hears every speaker.
      lkRooms
        .updateParticipant(roomName, me, { attributes: { [TRANSCRIBING_ATTRIBUTE]: JSON.stringify([...transcribing]) } })
        .catch((err: unknown) => log.warn({ err }, 'hand-over: could not publish what this agent transcribes'));
    };
    const handOver = async (to: string): Promise<void> => {
      if (handingOver) return;
      handingOver = true;
      const startedMs = Date.now();
      // Every utterance starting before the cut is this agent's; the replacement takes the rest.
      const { cutMs, inPause } = await chooseCut(activity, HANDOVER_PAUSE_WAIT_MS);
      gate.endAt(cutMs);
      for (let attempt = 1; ; attempt++) {
        try {
          await sendHandoverMessage(lkRooms, roomName, to, { type: 'cut', cutMs, from: me });
          break;
        } catch (err) {
          if (attempt < 5) {
            await new Promise((r) => setTimeout(r, 500 * attempt));
            continue;
          }
          // The replacement never learnt the cut: this agent keeps the room (the worker asks again).
          gate.reopen();
          handingOver = false;
          throw err;
        }
      }
      // Ending the audio in a pause loses nothing: the transcriber closes the utterance in progress, if any.
      if (!inPause) await waitForPause(activity, HANDOVER_PAUSE_WAIT_MS * 4);
      for (const a of audios) a.stop();
      log.info({ to, cut: new Date(cutMs).toISOString(), inPause, ms: Date.now() - startedMs }, 'hand-over: cut sent; finishing the utterances before it, then leaving');
      await inFlight.drain(60_000);
      ctx.shutdown('handed over to another worker');
    };
    ctx.room.on(RoomEvent.DataReceived, (payload: Uint8Array, _participant?: RemoteParticipant, _kind?: unknown, topic?: string) => {
      if (topic !== HANDOVER_TOPIC) return;
      const message = parseHandoverMessage(payload);
      if (message?.type === 'hand_over') void handOver(message.to).catch((err: unknown) => log.error({ err }, 'hand-over failed'));
      else if (message?.type === 'cut' && message.from === handoverFrom) {
        log.info({ from: message.from, cut: new Date(message.cutMs).toISOString() }, 'hand-over: cut received; storing from it');
        gate.release(message.cutMs);
      }
    });

    const onTrack = (track: RemoteTrack, publication: RemoteTrackPublication, participant: RemoteParticipant) => {
      if (track.kind !== TrackKind.KIND_AUDIO || workerLink.gone) return;
      const ring = new SpeakerAudioRing({ sampleRate: SAMPLE_RATE });
      const sink = gate.wrap(new ModeratingSink({ writer, classifier, ring, log }), log);
      const transcriber = new SpeakerTranscriber({
        roomId: room.id,
        speakerIdentity: participant.identity,
        trackSid: publication.sid ?? track.sid ?? 'unknown',
        vad: models.vad,
        recognizer,
        sink,
        log,
        chunking: config.stt.chunking && DEFAULT_CHUNKING,
      });
      const stream = new AudioStream(track, { sampleRate: SAMPLE_RATE, numChannels: 1 });
      const trackSid = publication.sid ?? track.sid ?? 'unknown';
      const audio = new StoppableAudio();
      audios.add(audio);
      const frames = audio.frames(stream, (frame) => {
        activity.observe(trackSid, frame.data.subarray(0, frame.samplesPerChannel * frame.channels), frame.sampleRate, frame.channels);
        markTranscribing(trackSid);
      });
      void inFlight.track(
        transcriber
          .run(tapInto(ring, frames))
          .catch((err: unknown) => log.error({ err }, 'speaker transcription failed'))
          .finally(() => {
            activity.ended(trackSid);
            audios.delete(audio);
          }),
      );
      log.info({ speaker: participant.identity, track: publication.sid }, 'transcribing speaker');
      // Speakers' apps show that the safety transcription is running (the room promised it would be).
      const notice = new TextEncoder().encode(JSON.stringify({ type: 'transcription_started', speaker: participant.identity, trackSid: publication.sid } satisfies TranscriptionStartedNotice));
      ctx.room.localParticipant
        ?.publishData(notice, { reliable: true, topic: MODERATION_TOPIC, destination_identities: [participant.identity] })
        .catch((err: unknown) => log.warn({ err }, 'could not send the transcription notice'));
    };
    ctx.room.on(RoomEvent.TrackSubscribed, onTrack);
    for (const p of ctx.room.remoteParticipants.values()) {
      for (const pub of p.trackPublications.values()) if (pub.track) onTrack(pub.track, pub, p);
    }
  },
});
