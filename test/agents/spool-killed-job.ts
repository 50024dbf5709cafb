// Not a test: a stand-in for a room's agent job, run as its own process by spool-sweeper.test.ts. It takes the
// room's spool the way a job does (SegmentWriter.start), finds the database unreachable (a real pg pool on a port
// nothing listens on), spools every segment to disk, reports over IPC, and then waits to be killed.
import pg from 'pg';
import { SegmentSpool } from '../../agents/segment-spool.js';
import { SegmentWriter } from '../../agents/segment-writer.js';
import { EvidenceStore } from '../../engine/evidence/evidence-store.js';
import { TranscriptStore } from '../../engine/transcripts/transcript-store.js';
import { quietLog } from '../support/database.js';
import { spooledRecord } from './spool-records.js';

const [dir, roomId, count] = process.argv.slice(2);
if (!dir || !roomId || !count) throw new Error('usage: spool-killed-job.ts <spool dir> <room id> <records>');
const unreachable = new pg.Pool({ connectionString: 'postgres://nobody:nothing@127.0.0.1:9/none', connectionTimeoutMillis: 2000 });
unreachable.on('error', () => undefined);
const writer = new SegmentWriter({
  transcripts: new TranscriptStore(unreachable),
  evidence: new EvidenceStore(unreachable),
  spool: new SegmentSpool(dir),
  log: quietLog,
  retryMs: 3_600_000,
});
await writer.start();
for (let i = 0; i < Number(count); i++) await writer.write(spooledRecord(roomId, i));
process.send?.({ type: 'spooled', pid: process.pid });
setInterval(() => undefined, 60_000); // until SIGKILL
