// A photo with a face (astronaut.png) is accepted, re-encoded as JPEG without its metadata and served to members
// who may see it; a member the owner blocked gets 404, as for the profile.
import test from 'ava';
import sharp from 'sharp';
import { startTestStack, type TestStack } from '../support/stack.js';
import { download, FACE_IMAGE, image, signUp, upload } from './_fixtures.js';

let env: TestStack;
test.before(async () => {
  env = await startTestStack({ workers: 0 });
});
test.after.always(() => env?.stop());

test('astronaut.png is accepted with its face score, stored without metadata and served to other members', async (t) => {
  const ada = await signUp(env, 'Ada Photo');
  const bea = await signUp(env, 'Bea Viewer');
  const eve = await signUp(env, 'Eve Blocked');
  // The upload carries EXIF (as a phone's photo would, with GPS); what is stored and served carries none.
  const original = await image(FACE_IMAGE);
  const withExif = await sharp(original).withExif({ IFD0: { Copyright: 'secret-exif-marker', ImageDescription: 'GPS 41.9N 12.5E' } }).jpeg().toBuffer();
  t.truthy((await sharp(withExif).metadata()).exif, 'the upload has EXIF');

  const started = Date.now();
  const res = await upload(ada, '/v1/me/matching/photo', withExif, 'image/jpeg');
  t.log(`upload with face detection: ${Date.now() - started} ms (detector ${res.body?.detectMs} ms)`);
  t.is(res.status, 201, JSON.stringify(res.body));
  t.is(res.body.url, `/v1/members/${ada.memberId}/photo`);
  t.true(res.body.faceScore >= 0.5, `face score ${res.body.faceScore}`);
  t.is(res.body.width, 512);
  t.is(res.body.height, 512);

  const { rows } = await env.stack.database.pool.query('SELECT media_type, face_score, face_detector FROM member_photos WHERE member_id = $1', [ada.memberId]);
  t.is(rows.length, 1);
  t.is(rows[0].media_type, 'image/jpeg');
  t.regex(rows[0].face_detector, /tiny-face-detector/);

  const served = await download(bea, `/v1/members/${ada.memberId}/photo`);
  t.is(served.status, 200);
  t.is(served.headers.get('content-type'), 'image/jpeg');
  const meta = await sharp(served.bytes).metadata();
  t.is(meta.format, 'jpeg');
  t.is(meta.exif, undefined, 'no EXIF is served');
  t.false(served.bytes.includes(Buffer.from('secret-exif-marker')), 'nothing of the original EXIF is in the served bytes');

  // The profile shows it, and the photo criterion is met.
  const profile = await ada.client.get('/v1/me/matching/profile');
  t.is(profile.body.photo.url, `/v1/members/${ada.memberId}/photo`);
  const status = await ada.client.get('/v1/me/matching/status');
  t.true(status.body.criteria.find((c: { criterion: string }) => c.criterion === 'photo').met);

  // Ada blocks Eve: Eve gets the same 404 as for a member that does not exist; the owner still sees her own.
  t.is((await ada.client.post(`/v1/members/${eve.memberId}/block`)).status, 201);
  const hidden = await download(eve, `/v1/members/${ada.memberId}/photo`);
  t.is(hidden.status, 404);
  t.is(hidden.json.error.code, 'member_not_found');
  t.is((await download(ada, `/v1/members/${ada.memberId}/photo`)).status, 200);
  // A member without a photo: 404 photo_not_found.
  const none = await download(ada, `/v1/members/${bea.memberId}/photo`);
  t.is(none.status, 404);
  t.is(none.json.error.code, 'photo_not_found');
});

test('a PNG upload is accepted too, and a second upload replaces the first', async (t) => {
  const cy = await signUp(env, 'Cy Png');
  const first = await upload(cy, '/v1/me/matching/photo', await image(FACE_IMAGE), 'image/png');
  t.is(first.status, 201, JSON.stringify(first.body));
  const webp = await sharp(await image(FACE_IMAGE)).resize(300).webp().toBuffer();
  const second = await upload(cy, '/v1/me/matching/photo', webp, 'image/webp');
  t.is(second.status, 201, JSON.stringify(second.body));
  t.is(second.body.width, 300);
  const { rows } = await env.stack.database.pool.query('SELECT width FROM member_photos WHERE member_id = $1', [cy.memberId]);
  t.deepEqual(rows, [{ width: 300 }]);
});
