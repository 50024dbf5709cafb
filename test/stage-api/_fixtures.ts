// Shared setup for the stage API tests (not a test file): members, live rooms, joining through the API, putting
// people on stage through the API, and real rtc-node participants that publish a tone and measure what they hear.
import {
  AudioFrame,
  AudioSource,
  AudioStream,
  LocalAudioTrack,
  Room,
  RoomEvent,
  TrackKind,
  TrackPublishOptions,
  TrackSource,
  type LocalTrackPublication,
  type RemoteTrack,
} from '@livekit/rtc-node';
import type { ApiClient } from '../support/api-client.js';
import test from 'ava';
import { dispose } from '@livekit/rtc-node';
import { startTestStack, type TestStack } from '../support/stack.js';

export interface Member {
  client: ApiClient;
  memberId: string;
  name: string;
  /** Bearer access token, for requests the ApiClient does not make (server-sent events). */
  accessToken: string;
}

export interface JoinTicket {
  url: string;
  token: string;
  identity: string;
  role: 'host' | 'co_host' | 'speaker' | 'listener';
  canPublish: boolean;
}

/** The join body every test sends: joining requires accepting that speech on stage is transcribed. */
export const JOIN_BODY = { acceptTranscription: true };

const PASSWORD = 'correct horse battery staple';

export async function signUp(env: TestStack, name: string): Promise<Member> {
  const email = `${name.toLowerCase().replace(/\W+/g, '.')}.${Math.random().toString(36).slice(2, 8)}@example.test`;
  const res = await env.api.post('/v1/auth/signup', { email, password: PASSWORD, displayName: name });
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${JSON.stringify(res.body)}`);
  const member = { client: env.api.withToken(res.body.accessToken), memberId: res.body.memberId, name, accessToken: res.body.accessToken };
  emails.set(member.memberId, email);
  return member;
}

const emails = new Map<string, string>();

/** A trust-and-safety staff member (the role is granted straight in the database: setup, not the behaviour). */
export async function staffMember(env: TestStack, name: string): Promise<Member> {
  const m = await signUp(env, name);
  await env.stack.database.pool.query("UPDATE members SET platform_roles = ARRAY['member','trust_safety'] WHERE id = $1", [m.memberId]);
  const res = await env.api.post('/v1/auth/login', { email: emails.get(m.memberId), password: PASSWORD });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { ...m, client: env.api.withToken(res.body.accessToken), accessToken: res.body.accessToken };
}

/** A live room hosted by `host`; returns its id. */
export async function liveRoom(host: Member, title = 'Stage test'): Promise<string> {
  const res = await host.client.post('/v1/rooms', { title });
  if (res.status !== 201) throw new Error(`create room: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

export async function join(member: Member, roomId: string): Promise<JoinTicket> {
  const res = await member.client.post(`/v1/rooms/${roomId}/join`, JOIN_BODY);
  if (res.status !== 200) throw new Error(`${member.name} join: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as JoinTicket;
}

/** Calls a stage endpoint and insists on 200. */
export async function ok(member: Member, method: string, path: string, body?: unknown): Promise<any> {
  const res = await member.client.request(method, path, body);
  if (res.status !== 200) throw new Error(`${member.name} ${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Raised hand + approval: the two keys that bring a listener on stage. */
export async function bringOnStage(host: Member, member: Member, roomId: string): Promise<void> {
  await ok(member, 'POST', `/v1/rooms/${roomId}/stage/hand`);
  await ok(host, 'POST', `/v1/rooms/${roomId}/stage/hands/${member.memberId}/approve`);
}

export async function makeCohost(host: Member, member: Member, roomId: string): Promise<void> {
  await bringOnStage(host, member, roomId);
  await ok(host, 'POST', `/v1/rooms/${roomId}/stage/participants/${member.memberId}/cohost`);
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(what)), ms)))]).finally(() => clearTimeout(timer));
}

export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const SAMPLE_RATE = 48_000;
const FRAME_SAMPLES = SAMPLE_RATE / 100; // 10 ms
const TONE_HZ = 440;
const AMPLITUDE = 8000;

/** How long a refused publish may take to fail: the SDK waits for the server's answer, which never comes. */
export const PUBLISH_TIMEOUT_MS = 15_000;

/** A real rtc-node participant: connects with a join ticket, can publish a 440 Hz tone, hears others. */
export class ToneParticipant {
  readonly room = new Room();
  #source: AudioSource | undefined;
  #sending = false;
  #sender: Promise<void> | undefined;

  private constructor(readonly name: string) {}

  static async connect(name: string, ticket: JoinTicket): Promise<ToneParticipant> {
    const p = new ToneParticipant(name);
    await p.room.connect(ticket.url, ticket.token, { autoSubscribe: true, dynacast: false });
    return p;
  }

  get identity(): string {
    return this.room.localParticipant?.identity ?? '';
  }

  /** Publishes a microphone track and starts the tone; rejects when LiveKit refuses (or never answers). */
  async publishTone(): Promise<LocalTrackPublication> {
    const source = new AudioSource(SAMPLE_RATE, 1);
    this.#source = source;
    const track = LocalAudioTrack.createAudioTrack('microphone', source);
    const options = new TrackPublishOptions();
    options.source = TrackSource.SOURCE_MICROPHONE;
    const publication = await withTimeout(this.room.localParticipant!.publishTrack(track, options), PUBLISH_TIMEOUT_MS, `${this.name}: publishTrack got no answer`);
    this.#sending = true;
    this.#sender = (async () => {
      for (let n = 0; this.#sending; n++) {
        const frame = AudioFrame.create(SAMPLE_RATE, 1, FRAME_SAMPLES);
        for (let i = 0; i < FRAME_SAMPLES; i++) {
          frame.data[i] = Math.round(AMPLITUDE * Math.sin((2 * Math.PI * TONE_HZ * (n * FRAME_SAMPLES + i)) / SAMPLE_RATE));
        }
        await source.captureFrame(frame).catch(() => undefined);
      }
    })();
    return publication;
  }

  /** Tries to publish and reports how it went, without throwing. */
  async tryPublish(): Promise<{ published: boolean; error?: string }> {
    try {
      await this.publishTone();
      return { published: true };
    } catch (err) {
      await this.#stopTone();
      return { published: false, error: (err as Error).message };
    }
  }

  /** The next audio track this participant subscribes to from `identity`. */
  audioFrom(identity: string, timeoutMs = 20_000): Promise<RemoteTrack> {
    for (const participant of this.room.remoteParticipants.values()) {
      if (participant.identity !== identity) continue;
      for (const pub of participant.trackPublications.values()) {
        if (pub.kind === TrackKind.KIND_AUDIO && pub.track) return Promise.resolve(pub.track as RemoteTrack);
      }
    }
    return withTimeout(
      new Promise<RemoteTrack>((resolve) => {
        const onTrack = (track: RemoteTrack, _pub: unknown, participant: { identity: string }) => {
          if (participant.identity !== identity || track.kind !== TrackKind.KIND_AUDIO) return;
          this.room.off(RoomEvent.TrackSubscribed, onTrack as never);
          resolve(track);
        };
        this.room.on(RoomEvent.TrackSubscribed, onTrack as never);
      }),
      timeoutMs,
      `${this.name}: no audio track from ${identity}`,
    );
  }

  /** RMS of `frames` 10 ms frames of `track` after a short warm-up. */
  async rmsOf(track: RemoteTrack, frames = 100, warmup = 30): Promise<number> {
    const stream = new AudioStream(track, { sampleRate: SAMPLE_RATE, numChannels: 1 });
    let seen = 0;
    let sum = 0;
    let count = 0;
    const reading = (async () => {
      for await (const frame of stream) {
        seen += 1;
        if (seen > warmup) {
          for (const s of frame.data) sum += s * s;
          count += frame.data.length;
        }
        if (seen >= warmup + frames) break;
      }
    })();
    await withTimeout(reading, 20_000, `${this.name}: audio stalled after ${seen} frames`);
    return count === 0 ? 0 : Math.sqrt(sum / count);
  }

  /** Resolves when `event` fires and `match` accepts its arguments. */
  waitFor(event: RoomEvent, match: (...args: any[]) => boolean = () => true, timeoutMs = 15_000): Promise<unknown[]> {
    return withTimeout(
      new Promise<unknown[]>((resolve) => {
        const handler = (...args: unknown[]) => {
          if (!match(...args)) return;
          this.room.off(event, handler as never);
          resolve(args);
        };
        this.room.on(event, handler as never);
      }),
      timeoutMs,
      `${this.name}: no ${event}`,
    );
  }

  /** Every JSON message on `topic`, collected from now on. */
  collect(topic: string): any[] {
    const seen: any[] = [];
    this.room.on(RoomEvent.DataReceived, (payload: Uint8Array, _p?: unknown, _k?: unknown, received?: string) => {
      if (received === topic) seen.push(JSON.parse(new TextDecoder().decode(payload)));
    });
    return seen;
  }

  async #stopTone(): Promise<void> {
    this.#sending = false;
    await this.#sender?.catch(() => undefined);
  }

  async disconnect(): Promise<void> {
    await this.#stopTone();
    await this.#source?.close().catch(() => undefined);
    this.#source = undefined;
    await this.room.disconnect().catch(() => undefined);
  }
}

/** One stack per test file plus the rtc participants its tests connect, all torn down after the file. */
export interface RtcRig {
  readonly env: TestStack;
  /** Joins through the API and connects a real rtc-node participant with the ticket. */
  enter(member: Member, roomId: string): Promise<ToneParticipant>;
  /** Registers a participant the test connected itself, so it is disconnected after the file. */
  keep(p: ToneParticipant): ToneParticipant;
}

export function useRtcRig(): RtcRig {
  let env: TestStack | undefined;
  const connected: ToneParticipant[] = [];
  test.before(async () => {
    env = await startTestStack({ workers: 0 });
  });
  test.after.always(async () => {
    // dispose() must run whatever fails before it, or rtc-node keeps the test process alive.
    try {
      for (const p of connected) await p.disconnect().catch(() => undefined);
      await env?.stop();
    } finally {
      await dispose();
    }
  });
  return {
    get env(): TestStack {
      if (!env) throw new Error('the test stack is not started yet');
      return env;
    },
    async enter(member: Member, roomId: string): Promise<ToneParticipant> {
      const p = await ToneParticipant.connect(member.name, await join(member, roomId));
      connected.push(p);
      return p;
    },
    keep(p: ToneParticipant): ToneParticipant {
      connected.push(p);
      return p;
    },
  };
}
