// The models an intro goes through, loaded together once per process (the profile service asks on the first
// intro): the configured speech recognizer (models/stt) and the harm classifier at the platform thresholds.
import type { Config } from '../../core/config.js';
import { STT_SAMPLE_RATE } from '../../models/audio/pcm.js';
import { HarmClassifier } from '../../models/classifier/harm-classifier.js';
import { createRecognizer } from '../../models/stt/create-recognizer.js';
import type { IntroModels } from './intro-processing.js';

export async function loadIntroModels(config: Config): Promise<IntroModels> {
  const [recognizer, classifier] = await Promise.all([createRecognizer(config), HarmClassifier.load({ modelsDir: config.dirs.models, threads: config.stt.ortThreads })]);
  const pieceSamples = Math.floor(recognizer.capabilities.maxAudioSeconds * STT_SAMPLE_RATE);
  return {
    async transcribe(pcm) {
      // Audio longer than the model takes is transcribed in consecutive pieces, as `roundtable transcribe` does.
      const parts: string[] = [];
      for (let at = 0; at < pcm.length; at += pieceSamples) {
        const piece = pcm.subarray(at, Math.min(pcm.length, at + pieceSamples));
        if (piece.length < STT_SAMPLE_RATE / 10) break;
        const r = await recognizer.transcribe(piece);
        if (r.text.trim()) parts.push(r.text.trim());
      }
      return { text: parts.join(' '), model: recognizer.id };
    },
    async classify(text) {
      const c = await classifier.classify(text);
      return { flagged: c.flagged, categories: c.categories, scores: { ...c.scores }, modelVersion: c.modelVersion, taxonomyVersion: c.taxonomyVersion };
    },
    async close() {
      await Promise.all([recognizer.close(), classifier.close()]);
    },
  };
}
