// Not a test: the records spool-killed-job.ts spools and spool-sweeper.test.ts checks for.
import type { SpoolRecord } from '../../agents/segment-spool.js';

/** Record i of a room: every third one flagged with an evidence clip (its bytes name it). */
export function spooledRecord(roomId: string, i: number): SpoolRecord {
  const at = Date.parse('2026-11-01T10:00:00Z') + i * 4000;
  const flagged = i % 3 === 0;
  return {
    segment: {
      roomId,
      segmentKey: `${roomId}:TR_sweep:${at}`,
      speakerIdentity: 'sam-speaker',
      trackSid: 'TR_sweep',
      startedAt: new Date(at),
      endedAt: new Date(at + 3000),
      text: `spooled line ${i}`,
      model: 'moonshine-base-en',
    },
    classification: {
      scores: { threat: flagged ? 0.95 : 0.01 },
      categories: flagged ? ['threat'] : [],
      contextCategories: [],
      modelVersion: 'harm-head-minilm-v1',
      taxonomyVersion: 'harm-taxonomy-v1',
    },
    ...(flagged ? { evidence: { mediaType: 'audio/flac', audio: new Uint8Array([0x66, 0x4c, 0x61, 0x43, i]), durationMs: 3000, leadMs: 500 } } : {}),
  };
}
