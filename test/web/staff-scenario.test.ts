// The whole trust-and-safety loop through the pages, on the real stack (LiveKit, PostgreSQL, the moderation agent
// with its local speech model and harm classifier, Chromium): a member whose fake microphone plays a threat joins
// a room in the page and is brought on stage (setup through the API); the agent flags the utterance and a case
// opens. A reviewer logs in through the login page, sees the case arrive in the queue, claims it, reads the
// transcript and scores, plays the evidence clip, and suspends the member with a reason; the audit log page shows
// the decision; the member's page says they were removed, and their next join is refused with the API's reason.
import fs from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { startTestStack, type TestStack } from '../support/stack.js';
import { bringOnStage, join, liveRoom, signUp, staffMember, type Member } from '../stage-api/_fixtures.js';
import { logInThroughPage, openPerson, SCREENSHOT_DIR, type Person } from './_browser.js';
import { checkPageState, DESKTOP, speechWav, waitFor } from './_staff.js';

// The sentence the spoken-moderation end-to-end test shows the classifier flags as a threat.
const THREAT = 'If you post that again, I will find you and I will kill you.';
const PASSWORD = 'correct horse battery staple';
const LONG = 90_000;
const SCENARIO = 'staff-scenario';

let env: TestStack;
let memberPerson: Person;
let reviewerPerson: Person;
let host: Member;
let tom: Member;
let rex: Member;
let roomId: string;
let wav: Awaited<ReturnType<typeof speechWav>>;
const emails = new Map<string, string>();

test.before(async () => {
  await fs.rm(path.join(SCREENSHOT_DIR, SCENARIO), { recursive: true, force: true });
  env = await startTestStack({ workers: 1 });
  await env.stack.workersRegistered;
  host = await signUp(env, 'Hana Host');
  tom = await signUp(env, 'Tom Troll');
  rex = await staffMember(env, 'Rex Reviewer');
  for (const m of [tom, rex]) emails.set(m.memberId, (await env.stack.database.pool.query('SELECT email FROM members WHERE id = $1', [m.memberId])).rows[0].email);
  roomId = await liveRoom(host, 'Open mic on remote hiring');
  // The host holds a join ticket (the stage knows them) without a browser: the member is the one in the page.
  await join(host, roomId);
  wav = await speechWav(THREAT, { voice: 'kal', leadSilenceS: 1.5, tailSilenceS: 4 });
  memberPerson = await openPerson({ scenario: SCENARIO, name: 'member', baseUrl: env.stack.apiUrl, microphoneWav: wav.file });
  reviewerPerson = await openPerson({ scenario: SCENARIO, name: 'reviewer', baseUrl: env.stack.apiUrl, viewport: DESKTOP });
});

test.after.always(async () => {
  await memberPerson?.close();
  await reviewerPerson?.close();
  await env?.stop();
  await wav?.cleanup();
});

test.serial('a spoken threat becomes a case; the reviewer suspends through the pages; the member is removed and refused', async (t) => {
  t.timeout(900_000);
  const pool = env.stack.database.pool;
  const mp = memberPerson.page;
  const rp = reviewerPerson.page;

  // The member joins in the page, then is brought on stage (hand + approval through the API: setup).
  await logInThroughPage(mp, emails.get(tom.memberId)!, PASSWORD);
  await mp.goto(`/rooms/${roomId}`);
  await mp.getByRole('button', { name: 'Join room' }).click();
  await mp.getByText('Connected', { exact: true }).waitFor({ timeout: LONG });
  await bringOnStage(host, tom, roomId);
  await mp.getByText('On — you are heard').waitFor({ timeout: LONG });
  // LiveKit itself reports the member's microphone track, and its audio level marks them as speaking.
  const presence = await waitFor(async () => {
    const p = (await host.client.get(`/v1/rooms/${roomId}/presence`)).body as { connected: { identity: string }[]; tracks: { identity: string; source: string }[] };
    return p.tracks?.some((tr) => tr.identity === tom.memberId && /microphone/i.test(tr.source)) ? p : undefined;
  }, LONG, "LiveKit to report the member's microphone");
  t.log(`connected to LiveKit: ${presence.connected.map((c) => c.identity).join(', ')}`);
  await mp.locator(`.stage-person.is-speaking[data-identity="${tom.memberId}"]`).waitFor({ timeout: LONG });
  await memberPerson.shot('speaking');

  // The reviewer logs in through the login page and opens the queue before anything is flagged.
  await logInThroughPage(rp, emails.get(rex.memberId)!, PASSWORD);
  await rp.getByRole('link', { name: 'Cases' }).click();
  await rp.getByRole('heading', { name: 'Case queue' }).waitFor();

  // The agent hears the threat, the classifier flags it, a case opens; the open queue shows it without a reload.
  const caseLink = rp.getByRole('link', { name: 'Threat — Tom Troll' });
  await caseLink.waitFor({ timeout: 360_000 }).catch(async (err: unknown) => {
    await reviewerPerson.shot('case-never-shown');
    await memberPerson.shot('case-never-shown');
    // What the agent did hear, to tell "nothing transcribed" from "transcribed but not flagged".
    const heard = await pool.query(
      `SELECT ts.speaker_identity, ts.text, sc.scores, sc.categories FROM transcript_segments ts LEFT JOIN segment_classifications sc ON sc.segment_id = ts.id WHERE ts.room_id = $1 ORDER BY ts.started_at`,
      [roomId],
    );
    t.log(`segments in the room: ${JSON.stringify(heard.rows)}`);
    throw err;
  });
  const { rows: cases } = await pool.query("SELECT id, subject_member_id, categories, status FROM moderation_cases WHERE room_id = $1 AND kind = 'flag'", [roomId]);
  t.is(cases.length, 1, JSON.stringify(cases));
  t.like(cases[0], { subject_member_id: tom.memberId, status: 'open' });
  t.true(cases[0].categories.includes('threat'));
  const caseId: string = cases[0].id;
  await checkPageState(t, reviewerPerson, 'queue-with-spoken-case');

  // The case: claim, transcript with the speaker's name, the flagged line's scores and model version.
  await caseLink.click();
  await rp.waitForURL(`**/staff/cases/${caseId}`);
  await rp.getByRole('button', { name: 'Claim case' }).click();
  await rp.getByText(/You hold this case until/).waitFor();
  t.is((await pool.query('SELECT lease_holder FROM moderation_cases WHERE id = $1', [caseId])).rows[0].lease_holder, rex.memberId);
  const flagged = rp.getByRole('listitem', { name: 'Flagged line by Tom Troll' }).first();
  await flagged.waitFor();
  const { rows: verdicts } = await pool.query(
    `SELECT ts.text, sc.scores, sc.model_version FROM segment_classifications sc JOIN transcript_segments ts ON ts.id = sc.segment_id
      WHERE sc.room_id = $1 AND ts.speaker_identity = $2 AND 'threat' = ANY(sc.categories) ORDER BY ts.started_at LIMIT 1`,
    [roomId, tom.memberId],
  );
  t.truthy(verdicts[0], 'the database holds the flagged segment');
  t.log(`the agent heard: "${verdicts[0].text}" (threat ${verdicts[0].scores.threat})`);
  t.true(((await flagged.textContent()) ?? '').includes(verdicts[0].text), 'the page shows what the agent transcribed');
  t.is((await flagged.getByRole('row', { name: /Threat \(flagged\)/ }).getByRole('cell').textContent())?.trim(), `${Math.round(verdicts[0].scores.threat * 100)}%`);
  t.true(((await flagged.textContent()) ?? '').includes(verdicts[0].model_version), 'the model version is shown');

  // The evidence clip plays: an <audio> element decodes the audio fetched as a Blob.
  await rp.getByRole('button', { name: 'Load and play clip' }).first().click();
  const audio = rp.locator('audio').first();
  const duration = await waitFor(
    () =>
      audio.evaluate((el) => {
        const a = el as unknown as { duration: number; readyState: number };
        return a.readyState >= 1 && Number.isFinite(a.duration) && a.duration > 0 ? a.duration : undefined;
      }),
    60_000,
    'the clip to load',
  );
  const clip = (await pool.query('SELECT duration_ms FROM evidence_clips WHERE room_id = $1 AND speaker_identity = $2 ORDER BY id LIMIT 1', [roomId, tom.memberId])).rows[0];
  t.true(duration > 0, `audio duration ${duration} s`);
  t.true(Math.abs(duration * 1000 - clip.duration_ms) < 500, `the page plays the stored clip (${duration} s vs ${clip.duration_ms} ms)`);
  await checkPageState(t, reviewerPerson, 'case-claimed-clip-loaded');

  // Suspend with a reason.
  await rp.getByLabel('Reason (internal, required)').fill('Spoken death threat in a live room.');
  await rp.getByLabel('Message to the member (optional)').fill('You threatened to kill another participant.');
  await rp.getByLabel('Suspension length').selectOption(String(7 * 86_400));
  await rp.getByRole('button', { name: 'Suspend for 7 days' }).click();
  await rp.getByText('Recorded: Suspend for 7 days.').waitFor({ timeout: LONG });
  const sanction = await pool.query("SELECT kind FROM member_sanctions WHERE member_id = $1 AND kind = 'suspend' AND lifted_at IS NULL", [tom.memberId]);
  t.is(sanction.rowCount, 1);
  await checkPageState(t, reviewerPerson, 'case-suspended');

  // The member's page: removed from the room (LiveKit removed the connection), without a reload.
  await mp.getByRole('alert').filter({ hasText: 'removed' }).waitFor({ timeout: LONG });
  await memberPerson.shot('removed');
  // The next join is refused with the API's reason.
  await mp.reload();
  await mp.getByRole('button', { name: 'Join room' }).click();
  const refusal = mp.getByRole('alert').filter({ hasText: /suspended/ });
  await refusal.waitFor({ timeout: LONG });
  const direct = await tom.client.post(`/v1/rooms/${roomId}/join`, { acceptTranscription: true });
  t.is(direct.status, 403);
  t.is(direct.body.error.code, 'account_restricted');
  t.true(((await refusal.textContent()) ?? '').includes(direct.body.error.message), `the page shows "${direct.body.error.message}"`);
  await memberPerson.shot('rejoin-refused');

  // The audit log page shows the decision, by the reviewer, about this case.
  await rp.getByRole('link', { name: 'Audit log' }).click();
  await rp.getByLabel('Exact action').fill('case.decided');
  await rp.getByRole('button', { name: 'Apply filters' }).click();
  await rp.waitForURL((u) => u.searchParams.get('action') === 'case.decided');
  const entry = rp.locator('.staff-audit-entry').filter({ hasText: 'Rex Reviewer' });
  await entry.first().waitFor({ timeout: LONG });
  t.is(await rp.locator('.staff-audit-entry').count(), 1);
  const text = (await entry.textContent()) ?? '';
  t.regex(text, /case\.decided/);
  t.regex(text, /suspend/);
  t.true(text.includes(caseId.slice(0, 8)), 'the entry names the case');
  const audit = await pool.query("SELECT actor_id, subject_id FROM audit_log WHERE action = 'case.decided'");
  t.deepEqual(audit.rows, [{ actor_id: rex.memberId, subject_id: caseId }]);
  await checkPageState(t, reviewerPerson, 'audit-decision');
});
