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
import { InFlight, registerDrainThenClose } from './job-shutdown.js';
import { loadSileroVad } from './silero-vad.js';
import { MODERATION_TOPIC, type TranscriptionStartedNotice } from './protocol.js';
import { SpeakerTranscriber } from './speaker-transcriber.js';
import { SpeakerAudioRing } from './evidence-ring-buffer.js';
import { ModeratingSink } from './moderating-sink.js';
import { SegmentSpool } from './segment-spool.js';
import { SegmentWriter } from './segment-writer.js';
import path from 'node:path';
import type { AudioFrame } from '@livekit/rtc-node';

const SAMPLE_RATE = 16000;


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
    registerDrainThenClose(ctx, inFlight, async () => {
      writer?.stop();
      const left = (await writer?.flush()) ?? 0;
      if (left > 0) log.warn({ left }, 'job shutdown: spooled segments stay on disk for the next job of this room');
      await db.close();
    }, { log });

    await ctx.connect(undefined, AutoSubscribe.AUDIO_ONLY);
    const roomName = ctx.room.name ?? '';
    const room = await new RoomStore(db.pool).findByLivekitName(roomName);
    if (!room) {
      log.warn('room is not known to Roundtable; leaving');
      ctx.shutdown('unknown room');
      return;
    }
    const transcripts = new TranscriptStore(db.pool);
    const recognizer = models.own?.recognizer ?? new RemoteRecognizer(ctx.inferenceExecutor, config.stt.model);
    const classifier = models.own?.classifier ?? new RemoteClassifier(ctx.inferenceExecutor);
    // While the database is away, segments wait on local disk (one spool per room) and are written when it is back.
    writer = new SegmentWriter({
      transcripts,
      evidence: new EvidenceStore(db.pool),
      spool: new SegmentSpool(path.join(config.dirs.data, 'agent-spool', room.id)),
      log,
    });
    await writer.start();

    const onTrack = (track: RemoteTrack, publication: RemoteTrackPublication, participant: RemoteParticipant) => {
      if (track.kind !== TrackKind.KIND_AUDIO) return;
      const ring = new SpeakerAudioRing({ sampleRate: SAMPLE_RATE });
      const sink = new ModeratingSink({ writer, classifier, ring, log });
      const transcriber = new SpeakerTranscriber({
        roomId: room.id,
        speakerIdentity: participant.identity,
        trackSid: publication.sid ?? track.sid ?? 'unknown',
        vad: models.vad,
        recognizer,
        sink,
        log,
      });
      const stream = new AudioStream(track, { sampleRate: SAMPLE_RATE, numChannels: 1 });
      void inFlight.track(transcriber.run(tapInto(ring, stream)).catch((err: unknown) => log.error({ err }, 'speaker transcription failed')));
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
