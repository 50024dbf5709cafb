// GET /v1/rooms?order=for_you ranks the rooms a member may see by their matching profile: a founder looking for
// seed-round advice gets the fundraising room first, though it is neither the soonest nor the newest; the default
// order is unchanged; invite-only rooms they are not invited to never appear.
import test from 'ava';
import { startTestStack, type TestStack } from '../support/stack.js';
import { FOUNDER, makeMember, WEEKDAY_MORNINGS } from './_fixtures.js';

let env: TestStack;
test.before(async () => {
  env = await startTestStack({ workers: 0 });
});
test.after.always(() => env?.stop());

test('order=for_you ranks the matching room first; the default order stays by time', async (t) => {
  const founder = await makeMember(env, { name: 'Ada ForYou', ...FOUNDER, timeZone: 'Europe/Rome', availability: WEEKDAY_MORNINGS });
  const host = await env.api.signUp('Hal Host');
  const at = (h: number) => new Date(Date.now() + h * 3600_000).toISOString();
  const make = async (title: string, description: string, topics: string[], hours: number, visibility = 'open') => {
    const r = await host.client.post('/v1/rooms', { title, description, topics, scheduledFor: at(hours), visibility });
    if (r.status !== 201) throw new Error(JSON.stringify(r.body));
    return r.body.id as string;
  };
  const k8s = await make('Kubernetes on-call war stories', 'SREs share incidents and pager tips', ['kubernetes', 'sre'], 2);
  const bread = await make('Sourdough baking for beginners', 'Starters, hydration and oven spring', ['baking'], 3);
  const vc = await make('Raising your seed round', 'Pitch practice and fundraising advice with venture capital partners', ['fundraising', 'startups'], 5);
  const hidden = await make('Raising a seed round: private session', 'Fundraising advice from venture capital investors', ['fundraising'], 6, 'invite_only');

  const byDefault = await founder.client.get('/v1/rooms?status=scheduled');
  t.is(byDefault.status, 200);
  t.deepEqual(byDefault.body.items.map((r: any) => r.id), [k8s, bread, vc]);

  const forYou = await founder.client.get('/v1/rooms?status=scheduled&order=for_you');
  t.is(forYou.status, 200, JSON.stringify(forYou.body));
  const ids = forYou.body.items.map((r: any) => r.id);
  t.is(ids[0], vc, JSON.stringify(forYou.body.items.map((r: any) => r.title)));
  t.deepEqual([...ids].sort(), [k8s, bread, vc].sort());
  t.false(ids.includes(hidden));
  t.is(forYou.body.nextCursor, null);
  // A bad order is a 400 naming the field.
  const bad = await founder.client.get('/v1/rooms?order=best');
  t.is(bad.status, 400);
  t.is(bad.body.error.details[0].field, 'query.order');
});
