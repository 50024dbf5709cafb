// The matching photo: pick a file, see it before uploading, upload it as the raw body. The API decides (a face
// must be visible; JPEG, PNG or WebP; a size cap) and its refusal is shown as it says it.
import { useState } from 'react';
import { api } from '../api/client.js';
import { Badge, Button } from '../ui/kit.js';
import { describeUploadError, useAuthorizedMedia, useObjectUrl } from './media.js';
import type { MatchingProfile } from './types.js';

type Photo = NonNullable<MatchingProfile['photo']>;

export function PhotoUpload({ memberId, photo, onUploaded }: { memberId: string; photo: MatchingProfile['photo']; onUploaded: (p: Photo) => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  // A new key empties the file input after an upload (a file input's value cannot be set).
  const [inputKey, setInputKey] = useState(0);
  const preview = useObjectUrl(file);
  const stored = useAuthorizedMedia(photo ? `/v1/members/${memberId}/photo` : null, photo?.uploadedAt ?? '');

  async function upload() {
    if (!file) return;
    setBusy(true);
    setError(undefined);
    try {
      const saved = await api.post<Photo>('/v1/me/matching/photo', undefined, { blob: { data: file, contentType: file.type || 'application/octet-stream' } });
      setFile(null);
      setInputKey((k) => k + 1);
      onUploaded(saved);
    } catch (err) {
      setError(describeUploadError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="stack">
      <div className="photo-row">
        {preview ? (
          <figure className="photo-frame">
            <img src={preview} alt="The photo you picked (not uploaded yet)" />
            <figcaption>Not uploaded yet</figcaption>
          </figure>
        ) : photo && stored.url ? (
          <figure className="photo-frame">
            <img src={stored.url} alt="Your matching photo" />
            <figcaption>
              <Badge tone="good">Face found</Badge>
            </figcaption>
          </figure>
        ) : (
          <div className="photo-frame photo-empty" aria-hidden="true">
            {photo ? '…' : 'No photo'}
          </div>
        )}
        <div className="stack photo-controls">
          <div className="field">
            <label htmlFor="photo-file">{photo ? 'Choose a new photo' : 'Choose a photo'}</label>
            <input
              key={inputKey}
              id="photo-file"
              type="file"
              accept="image/jpeg,image/png,image/webp"
              aria-describedby="photo-hint"
              onChange={(e) => {
                setError(undefined);
                setFile(e.target.files?.[0] ?? null);
              }}
            />
            <p className="hint" id="photo-hint">
              JPEG, PNG or WebP, up to 5 MB, with your face clearly visible. It is re-encoded without its metadata.
            </p>
          </div>
          <div className="row">
            <Button variant="primary" disabled={!file} busy={busy} onClick={() => void upload()}>
              {busy ? 'Uploading and looking for a face…' : 'Upload photo'}
            </Button>
          </div>
        </div>
      </div>
      {error ? (
        <p className="field-error" role="alert" data-testid="photo-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}
