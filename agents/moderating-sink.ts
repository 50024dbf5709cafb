// Where one speaker's transcript segments go in the agent: each is scored by the harm classifier (with the same
// speaker's previous utterance as context) and stored together with its scores in one statement; when the
// platform's thresholds flag it, the audio of the utterance and a few seconds before it is kept as evidence. The
// room's SegmentWriter stores them, or spools them to disk while the database is away. What to do about a flag is
// the engine's decision (engine/moderation/moderation-evaluator.ts), not the agent's.
import type { Logger } from '../core/logger.js';
import type { NewTranscriptSegment, SegmentClassification } from '../engine/transcripts/transcript-store.js';
import type { Classification, HarmClassifier } from '../models/classifier/harm-classifier.js';
import { encodeEvidenceClip } from '../models/audio/evidence-clip.js';
import type { SpeakerAudioRing } from './evidence-ring-buffer.js';
import type { SpooledEvidence } from './segment-spool.js';
import type { SegmentWriter } from './segment-writer.js';
import type { SegmentSink } from './speaker-transcriber.js';

export interface ModeratingSinkOptions {
  writer: Pick<SegmentWriter, 'write'>;
  classifier: Pick<HarmClassifier, 'classify'>;
  /** This speaker's recent audio; absent: no evidence audio is kept. */
  ring?: SpeakerAudioRing;
  /** Audio kept before a flagged utterance's start (default 3000 ms). */
  evidenceLeadMs?: number;
  log: Logger;
}

export class ModeratingSink implements SegmentSink {
  readonly #o: ModeratingSinkOptions;
  #previous: string | undefined;
  /** The last classification by segment key: a store retried after a database error does not classify again. */
  #scored: { key: string; classification: Classification | undefined } | undefined;

  constructor(options: ModeratingSinkOptions) {
    if (typeof options?.writer?.write !== 'function') throw new TypeError('ModeratingSink: writer must have a write function');
    if (typeof options.classifier?.classify !== 'function') throw new TypeError('ModeratingSink: classifier must have a classify function');
    this.#o = options;
  }

  async append(segment: NewTranscriptSegment): Promise<boolean> {
    const classification = await this.#classify(segment);
    const evidence = classification?.flagged ? await this.#evidence(segment) : undefined;
    const stored = await this.#o.writer.write({
      segment,
      ...(classification ? { classification: toStored(classification) } : {}),
      ...(evidence ? { evidence } : {}),
    });
    this.#previous = segment.text;
    return stored;
  }

  async #classify(segment: NewTranscriptSegment): Promise<Classification | undefined> {
    if (this.#scored?.key === segment.segmentKey) return this.#scored.classification;
    let classification: Classification | undefined;
    try {
      classification = await this.#o.classifier.classify(segment.text, this.#previous ? { previous: this.#previous } : {});
    } catch (err) {
      // The words are still evidence: stored unscored, and said loudly.
      this.#o.log.error({ err, room: segment.roomId, speaker: segment.speakerIdentity }, 'harm classification failed; segment stored without scores');
    }
    this.#scored = { key: segment.segmentKey, classification };
    return classification;
  }

  /** Best effort: a lost clip leaves the transcript and the scores, which are the case's core evidence. */
  async #evidence(segment: NewTranscriptSegment): Promise<SpooledEvidence | undefined> {
    const { ring, log } = this.#o;
    if (!ring) return undefined;
    try {
      const clip = ring.clip(segment.startedAt, segment.endedAt, this.#o.evidenceLeadMs ?? 3000);
      if (!clip || clip.samples.length === 0) {
        log.warn({ room: segment.roomId, speaker: segment.speakerIdentity }, 'no audio left in the ring for a flagged utterance');
        return undefined;
      }
      const encoded = await encodeEvidenceClip(clip.samples, { sampleRate: clip.sampleRate });
      return { mediaType: encoded.mediaType, audio: encoded.bytes, durationMs: encoded.durationMs, leadMs: clip.leadMs };
    } catch (err) {
      log.error({ err, room: segment.roomId, speaker: segment.speakerIdentity }, 'evidence audio of a flagged utterance could not be encoded');
      return undefined;
    }
  }
}

function toStored(c: Classification): SegmentClassification {
  return { scores: c.scores, categories: c.categories, contextCategories: c.contextCategories, modelVersion: c.modelVersion, taxonomyVersion: c.taxonomyVersion };
}
