// A real rtc-node participant for tests: connects with a token from the API and publishes speech from PCM
// through a microphone track, paced in real time like a person talking.
import {
  AudioFrame,
  AudioSource,
  LocalAudioTrack,
  Room,
  RoomEvent,
  TrackPublishOptions,
  TrackSource,
  type LocalTrackPublication,
} from '@livekit/rtc-node';

const FRAME_MS = 10;

export class SpeakingParticipant {
  readonly room = new Room();
  #source: AudioSource | undefined;
  #publication: LocalTrackPublication | undefined;

  private constructor(readonly sampleRate: number) {}

  static async connect(url: string, token: string, sampleRate = 16000): Promise<SpeakingParticipant> {
    const p = new SpeakingParticipant(sampleRate);
    await p.room.connect(url, token, { autoSubscribe: true, dynacast: false });
    return p;
  }

  get identity(): string {
    return this.room.localParticipant?.identity ?? '';
  }

  async publishMicrophone(): Promise<LocalTrackPublication> {
    this.#source = new AudioSource(this.sampleRate, 1);
    const track = LocalAudioTrack.createAudioTrack('microphone', this.#source);
    const options = new TrackPublishOptions();
    options.source = TrackSource.SOURCE_MICROPHONE;
    this.#publication = await this.room.localParticipant!.publishTrack(track, options);
    return this.#publication;
  }

  /** Sends float samples in [-1, 1] as 10 ms frames; captureFrame paces them in real time. */
  async speak(samples: Float32Array): Promise<void> {
    if (!this.#source) throw new Error('publishMicrophone() first');
    const perFrame = (this.sampleRate * FRAME_MS) / 1000;
    for (let offset = 0; offset < samples.length; offset += perFrame) {
      const frame = AudioFrame.create(this.sampleRate, 1, perFrame);
      for (let i = 0; i < perFrame; i++) {
        const v = samples[offset + i] ?? 0;
        frame.data[i] = Math.max(-32768, Math.min(32767, Math.round(v * 32767)));
      }
      await this.#source.captureFrame(frame);
    }
  }

  async silence(seconds: number): Promise<void> {
    await this.speak(new Float32Array(Math.round(seconds * this.sampleRate)));
  }

  waitFor<E extends RoomEvent>(event: E, timeoutMs = 10_000): Promise<unknown[]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${String(event)}`)), timeoutMs);
      this.room.once(event, ((...args: unknown[]) => {
        clearTimeout(timer);
        resolve(args);
      }) as never);
    });
  }

  /** Resolves with the first JSON message received on `topic`. */
  waitForData(topic: string, timeoutMs = 10_000): Promise<any> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.room.off(RoomEvent.DataReceived, onData);
        reject(new Error(`no data on topic ${topic} within ${timeoutMs} ms`));
      }, timeoutMs);
      const onData = (payload: Uint8Array, _participant?: unknown, _kind?: unknown, receivedTopic?: string) => {
        if (receivedTopic !== topic) return;
        clearTimeout(timer);
        this.room.off(RoomEvent.DataReceived, onData);
        resolve(JSON.parse(new TextDecoder().decode(payload)));
      };
      this.room.on(RoomEvent.DataReceived, onData);
    });
  }

  async disconnect(): Promise<void> {
    await this.#source?.close().catch(() => undefined);
    await this.room.disconnect();
  }
}
