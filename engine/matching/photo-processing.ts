// A profile photo from the uploaded bytes: decoded by sharp (JPEG, PNG or WebP only, told apart by content, with a
// pixel limit checked before decoding), re-encoded as JPEG so nothing of the original file is served (EXIF with GPS,
// ICC, XMP are dropped: sharp writes no metadata unless asked), dimensions bounded, and a face found by the local
// detector (models/vision). Never fetched from a URL.
import sharp from 'sharp';
import type { FaceDetector } from '../../models/vision/face-detector.js';
import { MediaError } from './media-error.js';

type Metadata = Awaited<ReturnType<ReturnType<typeof sharp>['metadata']>>;
type Rendered = { data: Buffer; info: { width: number; height: number; channels: number } };

export const PHOTO_MEDIA_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
const FORMAT_OF: Record<(typeof PHOTO_MEDIA_TYPES)[number], string> = { 'image/jpeg': 'jpeg', 'image/png': 'png', 'image/webp': 'webp' };
/** Longest side of the stored photo. */
export const PHOTO_MAX_SIDE = 1024;
/** Shortest side accepted: below this a face cannot be told. */
export const PHOTO_MIN_SIDE = 64;
/** Longest side of the copy the detector sees (TinyFaceDetector works at 416). */
const DETECT_MAX_SIDE = 640;

export interface PhotoLimits {
  maxPixels: number;
  faceMinScore: number;
}

export interface ProcessedPhoto {
  bytes: Buffer;
  mediaType: 'image/jpeg';
  width: number;
  height: number;
  faceScore: number;
  faceDetector: string;
  detectMs: number;
}

export async function processPhoto(input: Buffer, declaredType: string, detector: FaceDetector, limits: PhotoLimits): Promise<ProcessedPhoto> {
  const type = declaredType.split(';')[0]!.trim().toLowerCase() as (typeof PHOTO_MEDIA_TYPES)[number];
  if (!PHOTO_MEDIA_TYPES.includes(type)) {
    throw new MediaError('unsupported_type', 'unsupported_media_type', `a photo must be sent as ${PHOTO_MEDIA_TYPES.join(', ')}; got ${declaredType || 'no Content-Type'}`, 'header.Content-Type');
  }
  if (input.length === 0) throw new MediaError('invalid', 'invalid_image', 'the request body is empty: send the image bytes');
  // Told apart by content before any decoder sees it: an SVG, GIF or TIFF sent as image/png never reaches libvips.
  const actual = sniffImage(input);
  if (actual !== type) {
    throw new MediaError('invalid', 'invalid_image', `the body is ${actual ? `${actual}` : 'not a JPEG, PNG or WebP image'}, not ${type}`);
  }
  const options = { limitInputPixels: limits.maxPixels, failOn: 'error' as const, sequentialRead: true };
  let meta: Metadata;
  try {
    meta = await sharp(input, options).metadata();
  } catch (err) {
    throw new MediaError('invalid', 'invalid_image', `the body is not a decodable image: ${(err as Error).message}`);
  }
  if (meta.format !== FORMAT_OF[type]) {
    throw new MediaError('invalid', 'invalid_image', `the body is ${meta.format ? `a ${meta.format} image` : 'not an image'}, not ${type}`);
  }
  const w = meta.width ?? 0;
  const h = meta.height ?? 0;
  if (w * h > limits.maxPixels) throw new MediaError('too_large', 'image_too_large', `the image has ${w}×${h} pixels; at most ${limits.maxPixels} pixels are accepted`);
  if (Math.min(w, h) < PHOTO_MIN_SIDE) throw new MediaError('unprocessable', 'image_too_small', `the image is ${w}×${h}; each side must be at least ${PHOTO_MIN_SIDE} pixels`);

  let stored: Rendered;
  let rgb: Rendered;
  try {
    // rotate() applies the EXIF orientation before the metadata is dropped, so the face is upright.
    const upright = sharp(input, options).rotate();
    stored = await upright
      .clone()
      .resize(PHOTO_MAX_SIDE, PHOTO_MAX_SIDE, { fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: 85, mozjpeg: false })
      .toBuffer({ resolveWithObject: true });
    rgb = await sharp(stored.data)
      .resize(DETECT_MAX_SIDE, DETECT_MAX_SIDE, { fit: 'inside', withoutEnlargement: true })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw new MediaError('invalid', 'invalid_image', `the image could not be decoded: ${(err as Error).message}`);
  }
  if (rgb.info.channels !== 3) throw new MediaError('invalid', 'invalid_image', `the image decodes to ${rgb.info.channels} channels, not RGB`);
  const found = await detector.detect(new Uint8Array(rgb.data.buffer, rgb.data.byteOffset, rgb.data.length), rgb.info.width, rgb.info.height, limits.faceMinScore);
  const best = found.faces[0];
  if (!best) {
    throw new MediaError(
      'unprocessable',
      'no_face',
      'no face was found in this photo: matching needs a photo in which your face is clearly visible (facing the camera, well lit, not too small)',
      'body',
      { detector: found.detector },
    );
  }
  return {
    bytes: stored.data,
    mediaType: 'image/jpeg',
    width: stored.info.width,
    height: stored.info.height,
    faceScore: Math.min(1, Math.round(best.score * 1000) / 1000),
    faceDetector: found.detector,
    detectMs: found.ms,
  };
}

/** The image type by its magic bytes, or null. */
export function sniffImage(b: Buffer): (typeof PHOTO_MEDIA_TYPES)[number] | null {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  return null;
}
