// Photos without a face are refused with 422 no_face and a message that says what to do; nothing is stored.
// The evaluation images without a face: chelsea.png (a cat) and coffee.png (a cup of coffee).
import test from 'ava';
import { startTestStack, type TestStack } from '../support/stack.js';
import { image, NO_FACE_IMAGES, signUp, upload } from './_fixtures.js';

let env: TestStack;
test.before(async () => {
  env = await startTestStack({ workers: 0 });
});
test.after.always(() => env?.stop());

for (const name of NO_FACE_IMAGES) {
  test(`${name} is refused: no face`, async (t) => {
    const m = await signUp(env, `No Face ${name}`);
    const res = await upload(m, '/v1/me/matching/photo', await image(name), 'image/png');
    t.is(res.status, 422, JSON.stringify(res.body));
    t.is(res.body.error.code, 'no_face');
    t.regex(res.body.error.message, /no face was found .* your face is clearly visible/);
    t.is(res.body.error.details[0].field, 'body');
    const { rows } = await env.stack.database.pool.query('SELECT 1 FROM member_photos WHERE member_id = $1', [m.memberId]);
    t.is(rows.length, 0, 'nothing stored');
    const status = await m.client.get('/v1/me/matching/status');
    const photo = status.body.criteria.find((c: { criterion: string }) => c.criterion === 'photo');
    t.false(photo.met);
    t.regex(photo.fix, /face/);
  });
}
