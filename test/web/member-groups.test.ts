// Groups (/groups) through the page in Chromium: an invitation to a private group is listed and accepted, an open
// group is joined and left, a group is created (the API's message beside the name when blank) — each checked in
// group_members; a group's "Rooms" link opens discovery filtered to it. Axe and 375 px.
import test from 'ava';
import { startTestStack, type TestStack } from '../support/stack.js';
import { formatViolations, horizontalOverflow, logInThroughPage, openPerson, seriousAccessibilityViolations, type Person } from './_browser.js';

let stack: TestStack;
let person: Person;

test.before(async () => {
  stack = await startTestStack({ workers: 0 });
  person = await openPerson({ scenario: 'member-groups', name: 'member', baseUrl: stack.stack.apiUrl });
});
test.after.always(async () => {
  await person?.close();
  await stack?.stop();
});

const roleOf = async (groupId: string, memberId: string): Promise<string | undefined> =>
  (await stack.stack.database.pool.query('SELECT role FROM group_members WHERE group_id = $1 AND member_id = $2', [groupId, memberId])).rows[0]?.role;

test.serial('accept an invitation, join and leave a group, create one', async (t) => {
  const owner = await stack.api.signUp('Olive Owner');
  const member = await stack.api.signUp('Mira Member');
  const open = (await owner.client.post('/v1/groups', { name: 'Open designers', description: 'Critique and craft', visibility: 'open' })).body;
  const secret = (await owner.client.post('/v1/groups', { name: 'Secret club', visibility: 'private' })).body;
  const invited = await owner.client.post(`/v1/groups/${secret.id}/invitations`, { memberId: member.memberId });
  t.is(invited.status, 201, JSON.stringify(invited.body));
  const groupRoom = await owner.client.post('/v1/rooms', { title: 'Designers live', groupId: open.id });
  t.is(groupRoom.status, 201);
  await owner.client.post('/v1/rooms', { title: 'Not in the group' });

  const { page } = person;
  await logInThroughPage(page, member.email, 'correct horse battery staple');
  await page.goto('/groups');
  const invitations = page.getByRole('list', { name: 'Group invitations' });
  await invitations.getByText('Secret club').waitFor();
  await page.getByText('You are not in any group yet.').waitFor();
  const others = page.getByRole('list', { name: 'Other groups' });
  await others.getByText('Open designers').waitFor();
  // A private group is listed without a Join button: it takes an invitation.
  t.false(await page.getByRole('button', { name: 'Join Secret club' }).isVisible());
  await person.shot('groups');
  t.deepEqual(await seriousAccessibilityViolations(page).then(formatViolations), '');

  await page.getByRole('button', { name: 'Accept the invitation to Secret club' }).click();
  const mine = page.getByRole('list', { name: 'Your groups' });
  await mine.getByText('Secret club').waitFor();
  t.is(await roleOf(secret.id, member.memberId), 'member');

  await page.getByRole('button', { name: 'Join Open designers' }).click();
  await mine.getByText('Open designers').waitFor();
  t.is(await roleOf(open.id, member.memberId), 'member');
  await person.shot('groups-joined');

  // The group's rooms: discovery opens filtered to it.
  await page.getByRole('link', { name: 'Rooms of Open designers' }).click();
  const live = page.getByRole('list', { name: 'Live rooms' });
  await live.getByRole('link', { name: 'Designers live', exact: true }).waitFor();
  t.deepEqual(await live.locator('.room-card-title').allTextContents(), ['Designers live']);
  await page.goto('/groups');

  await page.getByRole('button', { name: 'Leave Open designers' }).click();
  await page.getByRole('list', { name: 'Other groups' }).getByText('Open designers').waitFor();
  t.is(await roleOf(open.id, member.memberId), undefined);

  await page.getByRole('button', { name: 'Create group' }).click();
  const nameError = page.locator('.field', { has: page.getByLabel('Name', { exact: true }) }).locator('.field-error');
  await nameError.waitFor();
  await person.shot('create-group-invalid');
  await page.getByLabel('Name', { exact: true }).fill('Mira’s circle');
  await page.getByRole('button', { name: 'Create group' }).click();
  await page.getByRole('list', { name: 'Your groups' }).getByText('Mira’s circle').waitFor();
  const created = await stack.stack.database.pool.query("SELECT gm.role FROM groups g JOIN group_members gm ON gm.group_id = g.id WHERE g.name = 'Mira’s circle' AND gm.member_id = $1", [member.memberId]);
  t.deepEqual(created.rows, [{ role: 'owner' }]);
  await person.shot('group-created');
  t.deepEqual(await seriousAccessibilityViolations(page).then(formatViolations), '');

  await page.setViewportSize({ width: 375, height: 740 });
  await page.goto('/groups');
  await page.getByRole('list', { name: 'Your groups' }).waitFor();
  t.is(await horizontalOverflow(page), 0);
  await person.shot('groups-phone');
});
