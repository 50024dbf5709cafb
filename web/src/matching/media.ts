// Members' photos and intros need the Bearer token, which <img> and <audio> cannot send: fetch them with the API
// client and show them from an object URL (the console's CSP allows blob: for images and media).
import { useEffect, useState } from 'react';
import { api, ApiRequestError, describeError } from '../api/client.js';

export interface MediaState {
  url: string | undefined;
  error: unknown;
}

/** The media at `path` (an API URL such as /v1/members/:id/photo) as an object URL; `version` refetches it. */
export function useAuthorizedMedia(path: string | null, version: string | number = 0): MediaState {
  const [state, setState] = useState<MediaState>({ url: undefined, error: undefined });
  useEffect(() => {
    if (!path) {
      setState({ url: undefined, error: undefined });
      return;
    }
    const controller = new AbortController();
    let objectUrl: string | undefined;
    setState({ url: undefined, error: undefined });
    api
      .get<Response>(path, { raw: true, signal: controller.signal })
      .then((res) => res.blob())
      .then((blob) => {
        if (controller.signal.aborted) return;
        objectUrl = URL.createObjectURL(blob);
        setState({ url: objectUrl, error: undefined });
      })
      .catch((error: unknown) => {
        if (!controller.signal.aborted) setState({ url: undefined, error });
      });
    return () => {
      controller.abort();
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [path, version]);
  return state;
}

/** An object URL for a local Blob or File (previews before upload), revoked when it changes. */
export function useObjectUrl(blob: Blob | null): string | undefined {
  const [url, setUrl] = useState<string | undefined>(undefined);
  useEffect(() => {
    if (!blob) {
      setUrl(undefined);
      return;
    }
    const u = URL.createObjectURL(blob);
    setUrl(u);
    return () => URL.revokeObjectURL(u);
  }, [blob]);
  return url;
}

/** An upload refusal as the API worded it: its message already names the reason (no face, too long, categories). */
export function describeUploadError(err: unknown): string {
  return err instanceof ApiRequestError ? err.message : describeError(err);
}
