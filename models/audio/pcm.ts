// Pure sample-format helpers shared by the recognizers, the bench and the agent worker. Speech models here all
// take 16 kHz mono float32 in [-1, 1].
export const STT_SAMPLE_RATE = 16_000;

export function int16ToFloat32(samples: Int16Array): Float32Array {
  if (!(samples instanceof Int16Array)) throw new TypeError('samples must be an Int16Array');
  const out = new Float32Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = samples[i]! / 32768;
  return out;
}

/** Averages interleaved channels into one. */
export function downmixInterleaved(interleaved: Float32Array, channels: number): Float32Array {
  if (!(interleaved instanceof Float32Array)) throw new TypeError('interleaved must be a Float32Array');
  if (!Number.isInteger(channels) || channels < 1) throw new TypeError(`channels must be a positive integer, got ${channels}`);
  if (channels === 1) return interleaved;
  const frames = Math.floor(interleaved.length / channels);
  const out = new Float32Array(frames);
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += interleaved[f * channels + c]!;
    out[f] = sum / channels;
  }
  return out;
}

/**
 * Linear-interpolation resampler. When shrinking the rate it first box-averages over one output period, a cheap
 * low-pass that keeps 48 kHz -> 16 kHz from folding hiss above 8 kHz back into the speech band.
 */
export function resampleLinear(input: Float32Array, fromRate: number, toRate: number): Float32Array {
  if (!(input instanceof Float32Array)) throw new TypeError('input must be a Float32Array');
  if (!(fromRate > 0) || !Number.isFinite(fromRate)) throw new TypeError(`fromRate must be a positive number, got ${fromRate}`);
  if (!(toRate > 0) || !Number.isFinite(toRate)) throw new TypeError(`toRate must be a positive number, got ${toRate}`);
  if (fromRate === toRate || input.length === 0) return input;
  const ratio = fromRate / toRate;
  const src = ratio > 1 ? boxAverage(input, Math.round(ratio)) : input;
  const outLen = Math.max(1, Math.round(input.length / ratio));
  const out = new Float32Array(outLen);
  const last = src.length - 1;
  for (let i = 0; i < outLen; i++) {
    const pos = i * ratio;
    const i0 = Math.min(Math.floor(pos), last);
    const i1 = Math.min(i0 + 1, last);
    const frac = pos - i0;
    out[i] = src[i0]! + (src[i1]! - src[i0]!) * frac;
  }
  return out;
}

function boxAverage(input: Float32Array, width: number): Float32Array {
  if (width <= 1) return input;
  const out = new Float32Array(input.length);
  const half = Math.floor(width / 2);
  let sum = 0;
  let count = 0;
  // Sliding window [i - half, i - half + width).
  for (let j = 0; j < Math.min(width - half, input.length); j++) {
    sum += input[j]!;
    count++;
  }
  for (let i = 0; i < input.length; i++) {
    out[i] = sum / count;
    const add = i - half + width;
    const drop = i - half;
    if (add < input.length) {
      sum += input[add]!;
      count++;
    }
    if (drop >= 0) {
      sum -= input[drop]!;
      count--;
    }
  }
  return out;
}

export function durationSeconds(samples: ArrayLike<number>, sampleRate = STT_SAMPLE_RATE): number {
  return samples.length / sampleRate;
}
