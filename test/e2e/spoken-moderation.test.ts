// Moderation end to end, no mocks: two people speak in a live room (flite voices through rtc-node microphones) ->
// the agent's VAD, speech model and harm classifier -> the engine's evaluator with the platform policy. A threat is
// flagged: a case opens with the transcript and evidence audio, the host's app is told, LiveKit itself reports the
// speaker's microphone muted, and the audit log holds the evidence. The benign speaker in the same room is not
// flagged, and a listener reads both utterances as captions (the flagged one withheld).
import test from 'ava';
import { dispose, RoomEvent } from '@livekit/rtc-node';
import { MODERATION_TOPIC } from '../../agents/protocol.js';
import { CAPTIONS_TOPIC } from '../../engine/moderation/moderation-evaluator.js';
import { LiveKitGateway } from '../../engine/gateway/livekit-gateway.js';
import { decodeEvidenceClip } from '../../models/audio/evidence-clip.js';
import { SpeakingParticipant } from '../support/speaking-participant.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { synthesizeSpeech } from '../support/tts.js';
import { bringOnStage, join, liveRoom, signUp } from '../stage-api/_fixtures.js';

const BENIGN = 'Welcome everyone. Today we talk about hiring senior engineers for remote teams.';
const THREAT = 'If you post that again, I will find you and I will kill you.';

let env: TestStack;
const connected: SpeakingParticipant[] = [];

test.before(async () => {
  env = await startTestStack({ workers: 1 });
  await env.stack.workersRegistered;
});

test.after.always(async () => {
  for (const p of connected) await p.disconnect().catch(() => undefined);
  await env?.stop();
  await dispose();
});

/** Every JSON message a participant receives on `topic`, as they come. */
function collect(p: SpeakingParticipant, topic: string): any[] {
  const got: any[] = [];
  p.room.on(RoomEvent.DataReceived, (payload: Uint8Array, _participant?: unknown, _kind?: unknown, received?: string) => {
    if (received === topic) got.push(JSON.parse(new TextDecoder().decode(payload)));
  });
  return got;
}

async function eventually<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== null && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function connect(url: string, token: string): Promise<SpeakingParticipant> {
  const p = await SpeakingParticipant.connect(url, token);
  connected.push(p);
  return p;
}

test('a threat on stage is flagged, the host is told, LiveKit mutes the speaker; the benign speaker is not flagged; captions reach a listener', async (t) => {
  t.timeout(240_000);
  const pool = env.stack.database.pool;
  const host = await signUp(env, 'Hana Host');
  const sam = await signUp(env, 'Sam Speaker');
  const lee = await signUp(env, 'Lee Listener');
  const roomId = await liveRoom(host, 'Remote hiring');
  const { rows: [room] } = await pool.query('SELECT livekit_name FROM rooms WHERE id = $1', [roomId]);

  const hostTicket = await join(host, roomId);
  const hostRtc = await connect(hostTicket.url, hostTicket.token);
  const hostNotices = collect(hostRtc, MODERATION_TOPIC);
  const samTicket = await join(sam, roomId);
  const samRtc = await connect(samTicket.url, samTicket.token);
  const samNotices = collect(samRtc, MODERATION_TOPIC);
  await bringOnStage(host, sam, roomId);
  const leeTicket = await join(lee, roomId);
  const leeRtc = await connect(leeTicket.url, leeTicket.token);
  const captions = collect(leeRtc, CAPTIONS_TOPIC);

  const [benign, threat] = await Promise.all([synthesizeSpeech(BENIGN), synthesizeSpeech(THREAT, 'kal')]);
  await hostRtc.publishMicrophone();
  await samRtc.publishMicrophone();
  await eventually(() => hostNotices.some((n) => n.type === 'transcription_started'), 60_000, "the agent listening to the host");
  await eventually(() => samNotices.some((n) => n.type === 'transcription_started'), 60_000, 'the agent listening to Sam');

  await hostRtc.silence(0.5);
  await hostRtc.speak(benign);
  await hostRtc.silence(1.5);
  const benignCaption = await eventually(() => captions.find((c) => c.speaker === host.memberId), 60_000, "the host's caption");
  t.false(benignCaption.withheld);
  t.regex(benignCaption.text, /hiring/i, 'the listener reads what the host said');

  const spokeAt = Date.now();
  await samRtc.silence(0.5);
  await samRtc.speak(threat);
  await samRtc.silence(1.5);

  // The host's app is told who was flagged, for what, and what the policy did.
  const flag = await eventually(() => hostNotices.find((n) => n.type === 'moderation_flag'), 60_000, 'the host notice');
  t.log(`flag reached the host ${Date.now() - spokeAt} ms after Sam started speaking: ${JSON.stringify(flag)}`);
  t.is(flag.speaker, sam.memberId);
  t.true(flag.categories.includes('threat'), JSON.stringify(flag));
  t.is(flag.action, 'mute');
  t.truthy(flag.caseId);

  // LiveKit itself, asked directly, reports Sam's microphone muted.
  const { url, apiKey, apiSecret } = env.config.livekit;
  const truth = new LiveKitGateway({ url, apiKey, apiSecret, agentName: env.config.agent.name });
  const samOnLiveKit = await eventually(async () => {
    const p = await truth.getParticipant(room.livekit_name, sam.memberId);
    return p && p.tracks.length > 0 && p.tracks.every((tr) => tr.muted) ? p : undefined;
  }, 20_000, "LiveKit muting Sam's track");
  t.true(samOnLiveKit.tracks.every((tr) => tr.muted));

  // The case holds the flagged words; the database says who was flagged and who was not.
  const { rows: cases } = await pool.query("SELECT id, kind, status, subject_member_id, categories FROM moderation_cases WHERE room_id = $1", [roomId]);
  t.is(cases.length, 1, JSON.stringify(cases));
  t.like(cases[0], { id: flag.caseId, kind: 'flag', status: 'open', subject_member_id: sam.memberId });
  t.true(cases[0].categories.includes('threat'));
  const { rows: verdicts } = await pool.query(
    `SELECT ts.speaker_identity, ts.text, sc.flagged_categories, sc.action, sc.evaluated_at, sc.model_version, sc.policy_version
       FROM segment_classifications sc JOIN transcript_segments ts ON ts.id = sc.segment_id WHERE sc.room_id = $1 ORDER BY ts.started_at`,
    [roomId],
  );
  const hostVerdicts = verdicts.filter((v) => v.speaker_identity === host.memberId);
  t.true(hostVerdicts.length >= 1 && hostVerdicts.every((v) => v.evaluated_at !== null && v.flagged_categories.length === 0 && v.action === null), JSON.stringify(hostVerdicts));
  const samFlagged = verdicts.find((v) => v.speaker_identity === sam.memberId && v.action === 'mute');
  t.truthy(samFlagged, JSON.stringify(verdicts));
  t.log(`Sam heard as: "${samFlagged.text}"`);

  // The evidence: an audited automatic action naming the segment, scores and versions, and the audio kept.
  const { rows: audits } = await pool.query("SELECT detail FROM audit_log WHERE action = 'moderation.auto_mute' AND room_id = $1", [roomId]);
  t.is(audits.length, 1);
  t.like(audits[0].detail, { caseId: flag.caseId, modelVersion: samFlagged.model_version, policyVersion: samFlagged.policy_version });
  const { rows: clips } = await pool.query('SELECT audio, duration_ms, lead_ms FROM evidence_clips WHERE room_id = $1 AND speaker_identity = $2', [roomId, sam.memberId]);
  t.is(clips.length, 1);
  const decoded = await decodeEvidenceClip(clips[0].audio);
  t.true(decoded.samples.length / decoded.sampleRate >= 2, 'the clip holds the utterance');
  t.true(clips[0].lead_ms > 0, 'and a little before it');

  // The listener's captions: the flagged utterance is announced but its words are withheld.
  const samCaption = await eventually(() => captions.find((c) => c.speaker === sam.memberId && c.withheld), 10_000, "Sam's withheld caption");
  t.is(samCaption.text, null);
});
