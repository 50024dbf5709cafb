import { WavFormatError } from './wav-format-error.js';

// RIFF/WAVE parsing for the formats speech corpora and `flac -d` produce: integer PCM (8/16/24/32-bit) and
// IEEE float (32/64-bit), any channel count, including WAVE_FORMAT_EXTENSIBLE headers.
export interface DecodedAudio {
  sampleRate: number;
  channels: number;
  /** Interleaved samples in [-1, 1]. */
  samples: Float32Array;
}

export function decodeWav(buf: Uint8Array): DecodedAudio {
  if (!(buf instanceof Uint8Array)) throw new TypeError('buf must be a Uint8Array or Buffer');
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const tag = (at: number) => String.fromCharCode(buf[at]!, buf[at + 1]!, buf[at + 2]!, buf[at + 3]!);
  if (buf.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw new WavFormatError('not a RIFF/WAVE file');
  let fmt: { format: number; channels: number; sampleRate: number; bits: number } | undefined;
  for (let p = 12; p + 8 <= buf.length; ) {
    const id = tag(p);
    const size = view.getUint32(p + 4, true);
    const body = p + 8;
    if (id === 'fmt ') {
      let format = view.getUint16(body, true);
      if (format === 0xfffe && size >= 26) format = view.getUint16(body + 24, true); // extensible: sub-format GUID
      fmt = { format, channels: view.getUint16(body + 2, true), sampleRate: view.getUint32(body + 4, true), bits: view.getUint16(body + 14, true) };
    } else if (id === 'data') {
      if (!fmt) throw new WavFormatError('data chunk before fmt chunk');
      // Streamed WAVs (stdout of a decoder) may carry a placeholder size; take what is there.
      const end = Math.min(buf.length, body + size);
      return { sampleRate: fmt.sampleRate, channels: fmt.channels, samples: decodeSamples(view, body, end, fmt) };
    }
    p = body + size + (size & 1);
  }
  throw new WavFormatError(fmt ? 'no data chunk' : 'no fmt chunk');
}

function decodeSamples(view: DataView, start: number, end: number, fmt: { format: number; channels: number; bits: number }): Float32Array {
  if (fmt.channels < 1) throw new WavFormatError(`invalid channel count ${fmt.channels}`);
  const bytes = fmt.bits / 8;
  if (!Number.isInteger(bytes) || bytes < 1) throw new WavFormatError(`unsupported bits per sample ${fmt.bits}`);
  const n = Math.floor((end - start) / bytes);
  const out = new Float32Array(n);
  if (fmt.format === 1) {
    for (let i = 0, p = start; i < n; i++, p += bytes) {
      switch (bytes) {
        case 1:
          out[i] = (view.getUint8(p) - 128) / 128;
          break;
        case 2:
          out[i] = view.getInt16(p, true) / 32768;
          break;
        case 3: {
          const v = view.getUint8(p) | (view.getUint8(p + 1) << 8) | (view.getInt8(p + 2) << 16);
          out[i] = v / 8388608;
          break;
        }
        case 4:
          out[i] = view.getInt32(p, true) / 2147483648;
          break;
        default:
          throw new WavFormatError(`unsupported PCM width ${fmt.bits} bits`);
      }
    }
    return out;
  }
  if (fmt.format === 3) {
    if (bytes !== 4 && bytes !== 8) throw new WavFormatError(`unsupported float width ${fmt.bits} bits`);
    for (let i = 0, p = start; i < n; i++, p += bytes) out[i] = bytes === 4 ? view.getFloat32(p, true) : view.getFloat64(p, true);
    return out;
  }
  throw new WavFormatError(`unsupported WAVE format tag ${fmt.format} (only PCM and IEEE float)`);
}

/** 16-bit PCM mono WAV; tests build fixtures with it instead of shipping binary files. */
export function encodeWav16(samples: Float32Array, sampleRate: number): Buffer {
  const out = Buffer.alloc(44 + samples.length * 2);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + samples.length * 2, 4);
  out.write('WAVEfmt ', 8, 'ascii');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20);
  out.writeUInt16LE(1, 22);
  out.writeUInt32LE(sampleRate, 24);
  out.writeUInt32LE(sampleRate * 2, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(samples.length * 2, 40);
  for (let i = 0; i < samples.length; i++) {
    out.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(samples[i]! * 32768))), 44 + i * 2);
  }
  return out;
}
