// Requesting, accepting, declining and cancelling connection requests, on both database backends.
import test from 'ava';
import { BACKENDS } from '../support/database.js';
import { closeDatabases, rejectsWith, socialFixture } from './_fixtures.js';

const FIRST = { limit: 50 };

test.after.always(closeDatabases);

for (const kind of BACKENDS) {
  test.serial(`${kind}: a request shows as outgoing and incoming; accepting connects both with a count of 1 each`, async (t) => {
    const { social, member } = await socialFixture(kind);
    const ada = await member('Ada');
    const bob = await member('Bob');

    const outcome = await social.requestConnection(ada, bob);
    if (outcome.status !== 'pending') return t.fail('expected a pending request');
    t.is(outcome.request.requester.id, ada);
    t.is(outcome.request.recipient.id, bob);
    t.deepEqual((await social.listConnectionRequests(ada, 'outgoing', FIRST)).items.map((r) => r.id), [outcome.request.id]);
    t.deepEqual((await social.listConnectionRequests(bob, 'incoming', FIRST)).items.map((r) => r.id), [outcome.request.id]);
    t.deepEqual((await social.listConnectionRequests(ada, 'incoming', FIRST)).items, []);
    t.false(await social.areConnected(ada, bob));

    const connection = await social.acceptConnectionRequest(bob, outcome.request.id);
    t.is(connection.member.id, ada, 'the accepter sees the requester');
    t.true(await social.areConnected(ada, bob));
    t.true(await social.areConnected(bob, ada));
    t.is(await social.connectionCount(ada), 1);
    t.is(await social.connectionCount(bob), 1);
    t.is((await social.getProfile(ada, bob)).connectionCount, 1);
    t.is((await social.getProfile(bob, ada)).relationship.connection, 'connected');
    t.deepEqual((await social.listConnectionRequests(bob, 'incoming', FIRST)).items, [], 'the request is used up');
    await rejectsWith(t, social.acceptConnectionRequest(bob, outcome.request.id), 'not_found', 'connection_request_not_found', 'requestId');
  });

  test.serial(`${kind}: declining removes the request without connecting, and the requester may ask again`, async (t) => {
    const { social, member } = await socialFixture(kind);
    const ada = await member('Ada');
    const bob = await member('Bob');
    const first = await social.requestConnection(ada, bob);
    if (first.status !== 'pending') return t.fail();
    await social.declineConnectionRequest(bob, first.request.id);
    t.false(await social.areConnected(ada, bob));
    t.deepEqual((await social.listConnectionRequests(bob, 'incoming', FIRST)).items, []);
    t.is((await social.requestConnection(ada, bob)).status, 'pending');
  });

  test.serial(`${kind}: a second request to the same member is a conflict, and so is asking a connection`, async (t) => {
    const { social, member } = await socialFixture(kind);
    const ada = await member('Ada');
    const bob = await member('Bob');
    await social.requestConnection(ada, bob);
    await rejectsWith(t, social.requestConnection(ada, bob), 'conflict', 'request_already_sent', 'memberId');
    const [pending] = (await social.listConnectionRequests(bob, 'incoming', FIRST)).items;
    await social.acceptConnectionRequest(bob, pending!.id);
    await rejectsWith(t, social.requestConnection(ada, bob), 'conflict', 'already_connected', 'memberId');
    await rejectsWith(t, social.requestConnection(bob, ada), 'conflict', 'already_connected', 'memberId');
  });

  test.serial(`${kind}: asking someone who already asked you connects you at once`, async (t) => {
    const { social, member } = await socialFixture(kind);
    const ada = await member('Ada');
    const bob = await member('Bob');
    await social.requestConnection(ada, bob);
    const outcome = await social.requestConnection(bob, ada);
    if (outcome.status !== 'connected') return t.fail('expected an immediate connection');
    t.is(outcome.connection.member.id, ada);
    t.true(await social.areConnected(ada, bob));
    t.deepEqual((await social.listConnectionRequests(ada, 'outgoing', FIRST)).items, []);
  });

  test.serial(`${kind}: you cannot connect with yourself or with someone who does not exist`, async (t) => {
    const { social, member } = await socialFixture(kind);
    const ada = await member('Ada');
    await rejectsWith(t, social.requestConnection(ada, ada), 'invalid', 'self_connection', 'memberId');
    await rejectsWith(t, social.requestConnection(ada, '00000000-0000-4000-8000-000000000000'), 'not_found', 'member_not_found', 'memberId');
  });

  test.serial(`${kind}: only the recipient accepts or declines, only the requester cancels, others do not see the request`, async (t) => {
    const { social, member } = await socialFixture(kind);
    const ada = await member('Ada');
    const bob = await member('Bob');
    const eve = await member('Eve');
    const outcome = await social.requestConnection(ada, bob);
    if (outcome.status !== 'pending') return t.fail();
    const id = outcome.request.id;
    await rejectsWith(t, social.acceptConnectionRequest(ada, id), 'forbidden', 'not_recipient');
    await rejectsWith(t, social.declineConnectionRequest(ada, id), 'forbidden', 'not_recipient');
    await rejectsWith(t, social.cancelConnectionRequest(bob, id), 'forbidden', 'not_requester');
    for (const op of [social.acceptConnectionRequest(eve, id), social.declineConnectionRequest(eve, id), social.cancelConnectionRequest(eve, id)]) {
      await rejectsWith(t, op, 'not_found', 'connection_request_not_found', 'requestId');
    }
    await social.cancelConnectionRequest(ada, id);
    t.deepEqual((await social.listConnectionRequests(bob, 'incoming', FIRST)).items, []);
    t.false(await social.areConnected(ada, bob));
  });
}
