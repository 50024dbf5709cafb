// The browser's client of the Roundtable API, on the same origin: Bearer access tokens kept in localStorage,
// refreshed once on a 401 (the refresh token rotates), and the API's one error shape turned into ApiRequestError.

export interface ErrorDetail {
  field: string;
  message: string;
}

/** What the API answered when it refused: the status, its machine code, a message and the fields at fault. */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }
  /** The message for one input field (by the API's dotted path, e.g. `body.title`), if the API named it. */
  fieldMessage(field: string): string | undefined {
    return this.details.find((d) => d.field === field || d.field.endsWith(`.${field}`))?.message;
  }
}

export interface Session {
  accessToken: string;
  refreshToken: string;
  memberId: string;
}

const STORAGE_KEY = 'roundtable.session';

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined | null>;
  body?: unknown;
  /** Raw bytes (photo, intro): sent as they are, with this content type. */
  blob?: { data: Blob; contentType: string };
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Answer the Response itself (media downloads) instead of parsed JSON. */
  raw?: boolean;
}

type Listener = (session: Session | null) => void;

export class ApiClient {
  #session: Session | null;
  #refreshing: Promise<boolean> | null = null;
  readonly #listeners = new Set<Listener>();

  constructor(private readonly storage: Storage | null = typeof localStorage === 'undefined' ? null : localStorage) {
    this.#session = readSession(storage);
  }

  get session(): Session | null {
    return this.#session;
  }

  onSessionChange(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  setSession(tokens: { accessToken: string; refreshToken: string; memberId: string } | null): void {
    this.#session = tokens ? { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, memberId: tokens.memberId } : null;
    if (this.storage) {
      if (this.#session) this.storage.setItem(STORAGE_KEY, JSON.stringify(this.#session));
      else this.storage.removeItem(STORAGE_KEY);
    }
    for (const l of this.#listeners) l(this.#session);
  }

  get<T>(path: string, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('GET', path, options);
  }
  post<T>(path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('POST', path, { ...options, body });
  }
  put<T>(path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('PUT', path, { ...options, body });
  }
  patch<T>(path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('PATCH', path, { ...options, body });
  }
  delete<T>(path: string, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('DELETE', path, options);
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.fetchAuthorized(method, withQuery(path, options.query), options);
    if (options.raw) {
      if (!response.ok) throw await toError(response);
      return response as unknown as T;
    }
    if (!response.ok) throw await toError(response);
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** A fetch with the access token; on a 401 the session is refreshed once and the request sent again. */
  async fetchAuthorized(method: string, url: string, options: RequestOptions = {}): Promise<Response> {
    const send = () => {
      const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
      let body: BodyInit | undefined;
      if (options.blob) {
        headers['content-type'] = options.blob.contentType;
        body = options.blob.data;
      } else if (options.body !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(options.body);
      }
      if (this.#session) headers.authorization = `Bearer ${this.#session.accessToken}`;
      return fetch(url, { method, headers, body, signal: options.signal ?? null });
    };
    let response = await send();
    if (response.status === 401 && this.#session && !url.startsWith('/v1/auth/')) {
      if (await this.refresh()) response = await send();
    }
    return response;
  }

  /** Exchanges the refresh token for new tokens; concurrent callers share one exchange. False: logged out. */
  refresh(): Promise<boolean> {
    if (!this.#session) return Promise.resolve(false);
    this.#refreshing ??= (async () => {
      try {
        const res = await fetch('/v1/auth/refresh', {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({ refreshToken: this.#session?.refreshToken }),
        });
        if (!res.ok) {
          // Refused (expired, revoked): the session is over. A network failure keeps it for the next try.
          if (res.status === 401 || res.status === 400) this.setSession(null);
          return false;
        }
        this.setSession((await res.json()) as Session);
        return true;
      } catch {
        return false;
      } finally {
        this.#refreshing = null;
      }
    })();
    return this.#refreshing;
  }
}

export function withQuery(path: string, query?: RequestOptions['query']): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

async function toError(response: Response): Promise<ApiRequestError> {
  const retryAfter = Number(response.headers.get('retry-after') ?? '');
  try {
    const body = (await response.json()) as { error?: { code?: string; message?: string; details?: ErrorDetail[] } };
    if (body.error?.code) {
      return new ApiRequestError(response.status, body.error.code, body.error.message ?? response.statusText, body.error.details ?? [], Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined);
    }
  } catch {
    // not the API's error shape (a proxy's page): fall through
  }
  return new ApiRequestError(response.status, 'http_error', `the server answered ${response.status} ${response.statusText}`.trim());
}

function readSession(storage: Storage | null): Session | null {
  try {
    const raw = storage?.getItem(STORAGE_KEY);
    if (!raw) return null;
    const s = JSON.parse(raw) as Partial<Session>;
    return s.accessToken && s.refreshToken && s.memberId ? { accessToken: s.accessToken, refreshToken: s.refreshToken, memberId: s.memberId } : null;
  } catch {
    return null;
  }
}

/** The one client of the page. */
export const api = new ApiClient();

/** The sentence under a form: when the API named fields, those are shown beside them, so only point there. */
export function describeFormError(err: unknown): string {
  if (err instanceof ApiRequestError && err.details.length > 0) return 'Please correct the fields marked above.';
  return describeError(err);
}

/** A human sentence for any error a page shows. */
export function describeError(err: unknown): string {
  if (err instanceof ApiRequestError) {
    // Details the message already says (the API often puts the field's message in it) are not repeated.
    const fields = err.details.filter((d) => !err.message.includes(d.message)).map((d) => `${d.field.replace(/^(body|query|params|header)\./, '')}: ${d.message}`);
    return fields.length ? `${err.message} (${fields.join('; ')})` : err.message;
  }
  if (err instanceof TypeError) return 'The server could not be reached. Check your connection and try again.';
  return err instanceof Error ? err.message : String(err);
}
