// The agent's durable spool and writer, on the failure paths: records wait on disk in order while the database is
// away, survive a new writer (a new job of the room), are refused past the bound instead of filling the disk, and a
// record the database refuses on purpose is not retried forever.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { SegmentSpool, SpoolFullError, type SpoolRecord } from '../../agents/segment-spool.js';
import { SegmentWriter, isPermanentDbError } from '../../agents/segment-writer.js';
import { quietLog } from '../support/database.js';

function record(i: number, audio = false): SpoolRecord {
  const at = Date.parse('2026-11-01T10:00:00Z') + i * 4000;
  return {
    segment: { roomId: 'r', segmentKey: `r:t:${at}`, speakerIdentity: 'sam', trackSid: 'TR', startedAt: new Date(at), endedAt: new Date(at + 3000), text: `line ${i}`, model: 'm' },
    classification: { scores: { threat: 0.1 }, categories: [], contextCategories: [], modelVersion: 'h', taxonomyVersion: 't' },
    ...(audio ? { evidence: { mediaType: 'audio/flac', audio: new Uint8Array([1, 2, 3, 250]), durationMs: 3000, leadMs: 500 } } : {}),
  };
}

/** Stands in for the database: refuses while `down`, records what it stored. */
function fakeDb() {
  const db = {
    down: false,
    permanentFor: new Set<string>(),
    stored: [] as string[],
    clips: [] as number[][],
    transcripts: {
      append: async (s: SpoolRecord['segment']) => {
        if (db.down) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
        if (db.permanentFor.has(s.segmentKey)) throw Object.assign(new Error('insert violates foreign key'), { code: '23503' });
        db.stored.push(s.text);
        return true;
      },
      idForKey: async (key: string) => key,
    },
    evidence: { save: async (c: { audio: Uint8Array }) => (db.clips.push([...c.audio]), { id: '1', created: true }) },
  };
  return db;
}

async function tmp(t: { teardown(f: () => Promise<void>): void }): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rt-spool-'));
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

test('while the database is away records wait on disk, then are written in order; a new writer resumes the spool', async (t) => {
  const dir = await tmp(t);
  const db = fakeDb();
  const writer = new SegmentWriter({ transcripts: db.transcripts, evidence: db.evidence as never, spool: new SegmentSpool(dir), log: quietLog, retryMs: 60_000 });
  t.true(await writer.write(record(0)));
  db.down = true;
  t.true(await writer.write(record(1, true)), 'accepted: durable on disk');
  db.down = false;
  // Records already waiting keep their turn: the next one goes to the spool too, not ahead of them.
  await writer.write(record(2));
  t.deepEqual(db.stored, ['line 0']);
  writer.stop();
  // A new job of the room (a fresh writer on the same directory) writes them.
  const next = new SegmentWriter({ transcripts: db.transcripts, evidence: db.evidence as never, spool: new SegmentSpool(dir), log: quietLog, retryMs: 60_000 });
  await next.start();
  next.stop();
  t.deepEqual(db.stored, ['line 0', 'line 1', 'line 2']);
  t.deepEqual(db.clips, [[1, 2, 3, 250]], 'the evidence audio survived the disk');
  t.deepEqual(await new SegmentSpool(dir).pending(), []);
});

test('a flush while the database is still away keeps every record', async (t) => {
  const dir = await tmp(t);
  const db = fakeDb();
  db.down = true;
  const writer = new SegmentWriter({ transcripts: db.transcripts, evidence: db.evidence as never, spool: new SegmentSpool(dir), log: quietLog, retryMs: 60_000 });
  await writer.write(record(1));
  await writer.write(record(2));
  t.is(await writer.flush(), 2);
  db.down = false;
  t.is(await writer.flush(), 0);
  writer.stop();
  t.deepEqual(db.stored, ['line 1', 'line 2']);
});

test('the spool is bounded: one record past the limit is refused, not written', async (t) => {
  const dir = await tmp(t);
  const spool = new SegmentSpool(dir, { maxRecords: 2 });
  await spool.write(record(1));
  await spool.write(record(2));
  await t.throwsAsync(spool.write(record(3)), { instanceOf: SpoolFullError });
  t.is((await spool.pending()).length, 2);
});

test('a half-written record (a crash mid-write) is never read', async (t) => {
  const dir = await tmp(t);
  await fs.writeFile(path.join(dir, '.000000000000001-000000-aaaa.json.tmp'), '{"segment": {"tru');
  const spool = new SegmentSpool(dir);
  t.deepEqual(await spool.pending(), []);
});

test('a record the database refuses on purpose is thrown when written live and dropped from the spool, not retried forever', async (t) => {
  const dir = await tmp(t);
  const db = fakeDb();
  const bad = record(5);
  db.permanentFor.add(bad.segment.segmentKey);
  const writer = new SegmentWriter({ transcripts: db.transcripts, evidence: db.evidence as never, spool: new SegmentSpool(dir), log: quietLog, retryMs: 60_000 });
  await t.throwsAsync(writer.write(bad), { message: /foreign key/ });
  db.down = true;
  await writer.write(record(4));
  await writer.write(bad);
  db.down = false;
  t.is(await writer.flush(), 0);
  writer.stop();
  t.deepEqual(db.stored, ['line 4']);
});

test('which database errors are permanent', (t) => {
  t.true(isPermanentDbError({ code: '23503' }));
  t.true(isPermanentDbError({ code: '22P02' }));
  t.false(isPermanentDbError({ code: 'ECONNREFUSED' }));
  t.false(isPermanentDbError({ code: '57P01' }), 'admin shutdown');
  t.false(isPermanentDbError({ code: '08006' }), 'connection failure');
  t.false(isPermanentDbError(new Error('Connection terminated unexpectedly')));
});

test('bad construction is a TypeError', (t) => {
  t.throws(() => new SegmentSpool(''), { instanceOf: TypeError });
  t.throws(() => new SegmentSpool('/tmp/x', { maxRecords: 0 }), { instanceOf: TypeError });
  t.throws(() => new SegmentWriter({} as never), { instanceOf: TypeError, message: /transcripts/ });
});
