// `roundtable transcribe [--json] <file>...`: WAV or FLAC files -> each file's transcript (one line per file), or
// with --json one line per file {"file","text","durationMs"}. The recognizer loads once for all files; audio longer
// than the model takes is transcribed in consecutive pieces.
import type { Config } from '../core/config.js';
import { STT_SAMPLE_RATE } from '../models/audio/pcm.js';
import { readAudioFile16kMono } from '../models/audio/read-audio-file.js';
import { createRecognizer } from '../models/stt/create-recognizer.js';

export interface TranscribeIo {
  out: (s: string) => void;
  err: (s: string) => void;
}

const USAGE = 'usage: roundtable transcribe [--json] <file.wav|file.flac>...\n';

export async function transcribeCommand(argv: string[], config: Config, io: TranscribeIo): Promise<number> {
  const json = argv.includes('--json');
  const unknown = argv.filter((a) => a.startsWith('-') && a !== '--json');
  const files = argv.filter((a) => !a.startsWith('-'));
  if (unknown.length > 0 || files.length === 0) {
    io.err(unknown.length ? `unknown option ${unknown[0]}\n${USAGE}` : USAGE);
    return 2;
  }
  const recognizer = await createRecognizer(config);
  let failed = 0;
  try {
    const pieceSamples = Math.floor(recognizer.capabilities.maxAudioSeconds * STT_SAMPLE_RATE);
    for (const file of files) {
      let pcm: Float32Array;
      try {
        pcm = await readAudioFile16kMono(file);
      } catch (err) {
        failed++;
        io.err(`${file}: ${(err as Error).message}\n`);
        continue;
      }
      const parts: string[] = [];
      for (let at = 0; at < pcm.length; at += pieceSamples) {
        const piece = pcm.subarray(at, Math.min(pcm.length, at + pieceSamples));
        if (piece.length < STT_SAMPLE_RATE / 10) break; // under 100 ms: nothing to say
        const r = await recognizer.transcribe(piece);
        if (r.text.trim()) parts.push(r.text.trim());
      }
      const text = parts.join(' ');
      const durationMs = Math.round((pcm.length / STT_SAMPLE_RATE) * 1000);
      io.out(json ? `${JSON.stringify({ file, text, durationMs })}\n` : `${text}\n`);
    }
  } finally {
    await recognizer.close();
  }
  return failed > 0 ? 1 : 0;
}
