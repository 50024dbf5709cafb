// Server-sent events from the API read with fetch (EventSource cannot send the Authorization header): parses the
// text/event-stream, reconnects with Last-Event-ID after a drop, and stops when the server says the stream ended.
import { api, ApiRequestError, type ApiClient } from './client.js';

export interface StreamEvent {
  event: string;
  id: string | undefined;
  data: unknown;
}

export interface EventStreamOptions {
  onEvent: (event: StreamEvent) => void;
  /** Connection state for the page to show ("live", "reconnecting…"). */
  onStatus?: (status: 'connecting' | 'open' | 'reconnecting' | 'closed', error?: unknown) => void;
  /** Events after which the stream is over and must not be reopened (e.g. stage_closed). */
  terminalEvents?: string[];
  client?: ApiClient;
}

export interface EventStreamHandle {
  close(): void;
}

export function openEventStream(path: string, options: EventStreamOptions): EventStreamHandle {
  const client = options.client ?? api;
  const controller = new AbortController();
  let closed = false;
  let lastEventId: string | undefined;
  let attempt = 0;

  const run = async (): Promise<void> => {
    while (!closed) {
      options.onStatus?.(attempt === 0 ? 'connecting' : 'reconnecting');
      try {
        const headers: Record<string, string> = { accept: 'text/event-stream' };
        if (lastEventId) headers['last-event-id'] = lastEventId;
        const res = await client.fetchAuthorized('GET', path, { headers, signal: controller.signal });
        if (!res.ok || !res.body) {
          const body = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
          const err = new ApiRequestError(res.status, body.error?.code ?? 'http_error', body.error?.message ?? `stream answered ${res.status}`);
          // 4xx other than a rate limit will not get better by retrying.
          if (res.status >= 400 && res.status < 500 && res.status !== 429) {
            closed = true;
            options.onStatus?.('closed', err);
            return;
          }
          throw err;
        }
        attempt = 0;
        options.onStatus?.('open');
        const ended = await readEvents(res.body, (e) => {
          if (e.id) lastEventId = e.id;
          options.onEvent(e);
          return options.terminalEvents?.includes(e.event) ?? false;
        });
        if (ended) {
          closed = true;
          options.onStatus?.('closed');
          return;
        }
      } catch (err) {
        if (closed || controller.signal.aborted) return;
        options.onStatus?.('reconnecting', err);
      }
      attempt += 1;
      await new Promise((r) => setTimeout(r, Math.min(10_000, 500 * 2 ** Math.min(attempt, 5))));
    }
  };
  void run();
  return {
    close() {
      closed = true;
      controller.abort();
      options.onStatus?.('closed');
    },
  };
}

/** Reads events until the body ends (false) or `onEvent` says the stream is over (true). */
async function readEvents(body: ReadableStream<Uint8Array>, onEvent: (e: StreamEvent) => boolean): Promise<boolean> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return false;
    buffer += decoder.decode(value, { stream: true });
    let boundary: number;
    while ((boundary = buffer.search(/\r?\n\r?\n/)) >= 0) {
      const block = buffer.slice(0, boundary);
      buffer = buffer.slice(boundary).replace(/^\r?\n\r?\n/, '');
      const parsed = parseBlock(block);
      if (parsed && onEvent(parsed)) {
        await reader.cancel().catch(() => undefined);
        return true;
      }
    }
  }
}

export function parseBlock(block: string): StreamEvent | undefined {
  let event = 'message';
  let id: string | undefined;
  const data: string[] = [];
  for (const line of block.split(/\r?\n/)) {
    if (!line || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'id') id = value;
    else if (field === 'data') data.push(value);
  }
  if (data.length === 0) return undefined;
  const text = data.join('\n');
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // plain text data stays a string
  }
  return { event, id, data: parsed };
}
