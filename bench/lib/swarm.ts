// Parent side of the participant swarm (swarm-child.ts): forks a child process that holds real rtc-node
// participants, tells it whom to connect, and collects what they report. The bench process itself never loads
// rtc-node, so its memory is the API's (startTestStack runs the API in the bench process).
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./swarm-child.ts', import.meta.url));

export interface SwarmMember {
  memberId: string;
  accessToken: string;
  /** Speakers only: publish a microphone and talk (false: connect only, e.g. a host who keeps quiet). */
  publish?: boolean;
}

export type SwarmCommand =
  | { type: 'listen'; apiUrl: string; roomId: string; members: SwarmMember[]; expectSpeakers: number; captionRecorders: number; concurrency: number }
  | { type: 'speak'; apiUrl: string; roomId: string; members: SwarmMember[]; sentences: string[]; gapSeconds: number; agentTimeoutMs: number }
  | { type: 'hush' }
  | { type: 'stop' };

export interface CaptionArrival {
  type: 'caption';
  listener: string;
  segmentId: string;
  speaker: string;
  startedAt: string;
  endedAt: string;
  text: string | null;
  /** Date.now() when the listener's app got it. */
  at: number;
}
export interface TrackGone {
  type: 'track_gone';
  listener: string;
  speaker: string;
  kind: 'muted' | 'unpublished';
  at: number;
}
export interface Utterance {
  type: 'utterance';
  memberId: string;
  /** The speaker's n-th utterance, from 0. */
  index: number;
  sentence: number;
  startedAt: number;
  endedAt: number;
}

export type SwarmEvent = { type: 'ready'; memberId: string } | CaptionArrival | TrackGone | Utterance | { type: 'error'; message: string } | { type: 'survived'; message: string }
  | { type: 'left'; memberId: string; reason: string; at: number };

export class Swarm {
  readonly captions: CaptionArrival[] = [];
  readonly trackGone: TrackGone[] = [];
  readonly utterances: Utterance[] = [];
  readonly errors: string[] = [];
  /** Failed connect attempts (retried) and rtc-node finalizer errors the child survived. */
  readonly survived: string[] = [];
  readonly ready = new Set<string>();
  /** Listeners whose connection LiveKit dropped or that went reconnecting, with the reason and when. */
  readonly left: { memberId: string; reason: string; at: number }[] = [];
  readonly #child: ChildProcess;
  #exited: Promise<void>;

  /**
   * `niceness` > 0 starts the child under `nice` (every thread, rtc-node's included, inherits it): simulated remote
   * listeners then take only the CPU the stack under test leaves, as clients on other machines would.
   */
  constructor(readonly name: string, options: { niceness?: number } = {}) {
    // The child's stdout goes to our stderr: stdout is the bench's JSON.
    const stdio: ['ignore', 2, 'inherit', 'ipc'] = ['ignore', 2, 'inherit', 'ipc'];
    this.#child = options.niceness
      ? spawn('nice', ['-n', String(options.niceness), process.execPath, '--import', 'tsx', CHILD], { stdio })
      : fork(CHILD, [], { execArgv: ['--import', 'tsx'], stdio });
    this.#exited = new Promise((resolve) => this.#child.once('exit', () => resolve()));
    this.#child.on('message', (event: SwarmEvent) => {
      if (event.type === 'ready') this.ready.add(event.memberId);
      else if (event.type === 'caption') this.captions.push(event);
      else if (event.type === 'track_gone') this.trackGone.push(event);
      else if (event.type === 'utterance') this.utterances.push(event);
      else if (event.type === 'left') {
        this.left.push(event);
        process.stderr.write(`[swarm ${name}] ${event.memberId} left: ${event.reason}\n`);
      } else if (event.type === 'survived') {
        this.survived.push(event.message);
        process.stderr.write(`[swarm ${name}] survived: ${event.message}\n`);
      }
      else if (event.type === 'error') {
        this.errors.push(event.message);
        process.stderr.write(`[swarm ${name}] ${event.message}\n`);
      }
    });
  }

  get pid(): number {
    return this.#child.pid!;
  }

  get alive(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
  }

  send(command: SwarmCommand): void {
    this.#child.send(command);
  }

  /** Waits until every one of `memberIds` reported ready; fails on the first error, on a dead child, or at the timeout. */
  async waitReady(memberIds: readonly string[], timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      if (this.errors.length) throw new Error(`swarm ${this.name}: ${this.errors[0]}`);
      if (!this.alive) throw new Error(`swarm ${this.name} exited`);
      if (memberIds.every((id) => this.ready.has(id))) return;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`swarm ${this.name}: ${memberIds.filter((id) => !this.ready.has(id)).length} of ${memberIds.length} not ready within ${timeoutMs} ms`);
  }

  /** Waits until every one of `memberIds` is ready or the timeout passes; returns how many are (fails on a dead child). */
  async waitMostReady(memberIds: readonly string[], timeoutMs: number): Promise<number> {
    const until = Date.now() + timeoutMs;
    const count = () => memberIds.filter((id) => this.ready.has(id)).length;
    while (Date.now() < until && count() < memberIds.length) {
      if (!this.alive) throw new Error(`swarm ${this.name} exited`);
      await new Promise((r) => setTimeout(r, 500));
    }
    return count();
  }

  /** Disconnects everyone and waits for the child to exit (killed after 20 s). */
  async stop(): Promise<void> {
    if (!this.alive) return;
    this.#child.send({ type: 'stop' } satisfies SwarmCommand);
    const killer = setTimeout(() => this.#child.kill('SIGKILL'), 20_000);
    await this.#exited;
    clearTimeout(killer);
  }
}

export async function waitUntil(cond: () => boolean, timeoutMs: number, stepMs = 100): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return cond();
}
