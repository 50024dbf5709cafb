// Reads the API's event streams (GET /v1/rooms/:roomId/stage/events and the like) as a client would (not a test
// file): opens the stream with a bearer token and parses events as they arrive.
import type { TestStack } from '../support/stack.js';

export interface SseEvent {
  event: string;
  id?: string;
  data: any;
}

export interface OpenStream {
  res: Response;
  events: SseEvent[];
  abort: AbortController;
  reading: Promise<void>;
  isEnded(): boolean;
}

export async function openStageStream(env: TestStack, accessToken: string, roomId: string): Promise<OpenStream> {
  return openSseStream(`${env.api.baseUrl}/v1/rooms/${roomId}/stage/events`, { authorization: `Bearer ${accessToken}` });
}

/** Opens any of the API's event streams with these headers and parses its events as they arrive. */
export async function openSseStream(url: string, headers: Record<string, string>): Promise<OpenStream> {
  const abort = new AbortController();
  const res = await fetch(url, { headers, signal: abort.signal });
  const events: SseEvent[] = [];
  let ended = false;
  const reading = (async () => {
    if (!res.body || !res.headers.get('content-type')?.startsWith('text/event-stream')) return;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const fields = Object.fromEntries(block.split('\n').filter((l) => !l.startsWith(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]));
          if (fields.event) events.push({ event: fields.event, id: fields.id, data: JSON.parse(fields.data ?? 'null') });
        }
      }
      ended = true;
    } catch {
      // aborted by the test
    }
  })();
  return { res, events, abort, reading, isEnded: () => ended };
}
