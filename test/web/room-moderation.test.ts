// Live moderation on the host's room page, in real browsers on the real stack: the host invites a listener to speak
// in the page, the listener accepts in theirs; their fake microphone says a threat; the agent transcribes it, the
// platform policy mutes them (LiveKit mutes the track: the speaker's page shows it), the host's page shows the flag
// and the withheld caption live, and the host undoes the automatic mute with one click (audited in the database).
import test from 'ava';
import { startTestStack, type TestStack } from '../support/stack.js';
import { speechWav } from './_room-support.js';
import { formatViolations, horizontalOverflow, logInThroughPage, openPerson, seriousAccessibilityViolations, type Person } from './_browser.js';

const THREAT = 'If you post that again, I will find you and I will kill you.';
const PASSWORD = 'correct horse battery staple';
const LONG = 90_000;

let stack: TestStack;
let hostPerson: Person;
let speakerPerson: Person;

test.before(async () => {
  stack = await startTestStack({ workers: 1 });
  await stack.stack.workersRegistered;
});

test.after.always(async () => {
  await hostPerson?.close();
  await speakerPerson?.close();
  await stack?.stop();
});

test('a flagged utterance shows on the host page live, the caption is withheld, and the host undoes the automatic mute', async (t) => {
  t.timeout(480_000);
  const host = await stack.api.signUp('Hana Host');
  const sam = await stack.api.signUp('Sam Speaker');
  const created = await host.client.post('/v1/rooms', { title: 'Remote hiring', description: 'Moderated on the page.' });
  t.is(created.status, 201);
  const roomId: string = created.body.id;
  hostPerson = await openPerson({ scenario: 'room-moderation', name: 'host', baseUrl: stack.stack.apiUrl });
  speakerPerson = await openPerson({ scenario: 'room-moderation', name: 'speaker', baseUrl: stack.stack.apiUrl, microphoneWav: await speechWav(THREAT, 'kal') });
  const hp = hostPerson.page;
  const sp = speakerPerson.page;
  await logInThroughPage(hp, host.email, PASSWORD);
  await logInThroughPage(sp, sam.email, PASSWORD);

  await hp.goto(`/rooms/${roomId}`);
  await hp.getByRole('button', { name: 'Join room' }).click();
  await hp.getByText('Connected', { exact: true }).waitFor({ timeout: LONG });
  await hp.getByRole('button', { name: 'Mute microphone' }).click();
  await hp.locator('button[aria-pressed="true"]', { hasText: 'Mute microphone' }).waitFor({ timeout: LONG });

  await sp.goto(`/rooms/${roomId}`);
  await sp.getByRole('button', { name: 'Join room' }).click();
  await sp.getByText('Connected', { exact: true }).waitFor({ timeout: LONG });

  // The host invites the listener from the audience list; the listener accepts in their page.
  const invite = hp.getByRole('button', { name: 'Invite to speak (Sam Speaker)' });
  await invite.waitFor({ timeout: LONG }).catch(async (err: unknown) => {
    await hostPerson.shot('invite-never-offered');
    process.stderr.write(`${await hp.locator('.host-panel').innerText().catch(() => '')}\n`);
    throw err;
  });
  await invite.click();
  await hp.getByText('Invited to speak').waitFor({ timeout: LONG });
  await hostPerson.shot('invited');
  await sp.getByRole('button', { name: 'Accept and go on stage' }).click({ timeout: LONG });
  await sp.getByText('On — you are heard').waitFor({ timeout: LONG });
  await speakerPerson.shot('on-stage-speaking');

  // The agent hears the threat; the policy acts and the host's page shows the flag without a reload.
  const flags = hp.getByRole('list', { name: 'Moderation flags' }).locator('li');
  await flags.first().waitFor({ timeout: 240_000 }).catch(async (err: unknown) => {
    await hostPerson.shot('flag-never-shown');
    const segments = await stack.stack.database.pool.query('SELECT text FROM transcript_segments WHERE room_id = $1', [roomId]).catch((e: unknown) => ({ rows: [String(e)] }));
    const audits = await stack.stack.database.pool.query('SELECT action FROM audit_log WHERE room_id = $1', [roomId]);
    t.log(`captions: ${await hp.getByRole('log', { name: 'Live captions' }).textContent().catch(() => 'none')}; segments: ${JSON.stringify(segments.rows)}; audit: ${JSON.stringify(audits.rows)}`);
    throw err;
  });
  const flagText = (await flags.first().textContent()) ?? '';
  t.log(`flag on the host's page: ${flagText}`);
  t.regex(flagText, /Sam Speaker/);
  t.regex(flagText, /threat/);
  await hp.getByRole('log', { name: 'Live captions' }).getByText('[withheld by moderation]').first().waitFor({ timeout: LONG });
  t.false(((await hp.getByRole('log', { name: 'Live captions' }).textContent()) ?? '').includes('kill'), 'the flagged words are not shown');
  // LiveKit muted the speaker's track: the speaker's own page shows its microphone muted.
  await sp.getByText('Muted', { exact: true }).waitFor({ timeout: LONG });
  await speakerPerson.shot('muted-by-moderation');
  t.is(await seriousAccessibilityViolations(hp).then(formatViolations), '');
  await hostPerson.shot('flag-shown');

  // Undo the automatic mute in one click; the page says what it did and the audit log holds it.
  const pool = stack.stack.database.pool;
  const { rows: mutes } = await pool.query(`SELECT id::text AS id FROM audit_log WHERE action = 'moderation.auto_mute' AND room_id = $1 ORDER BY id`, [roomId]);
  t.true(mutes.length >= 1, 'the automatic mute is on record');
  await hp.getByRole('button', { name: 'Undo (Sam Speaker muted)' }).first().click();
  const flagsCard = hp.getByRole('list', { name: 'Moderation flags' });
  await flagsCard.locator('.undo-result, .inline-error').first().waitFor({ timeout: LONG });
  await hostPerson.shot('undone');
  t.is(await flagsCard.locator('.inline-error').count(), 0, `no refusal: ${await flagsCard.innerText()}`);
  t.is(await flagsCard.locator('.undo-result').first().textContent(), 'Undone: Sam Speaker may unmute.');
  const { rows: undone } = await pool.query(`SELECT actor_id::text AS actor, subject_id FROM audit_log WHERE action = 'moderation.auto_action_undone' AND room_id = $1`, [roomId]);
  t.is(undone.length, 1, 'one undo audited');
  t.is(undone[0].actor, host.memberId);
  t.true(mutes.some((m: { id: string }) => m.id === undone[0].subject_id), 'the undo names an automatic mute of this room');

  await hp.setViewportSize({ width: 375, height: 800 });
  await hp.waitForTimeout(300);
  t.is(await horizontalOverflow(hp), 0);
  await hostPerson.shot('flag-phone');
});
