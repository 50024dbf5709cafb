// Uploads that are not a usable photo: not an image (400 invalid_image), another format than declared (400), an
// unsupported Content-Type (415), too many bytes (413), a tiny image (422). Each in the one error shape, nothing stored.
import test from 'ava';
import sharp from 'sharp';
import { startTestStack, type TestStack } from '../support/stack.js';
import { FACE_IMAGE, image, signUp, upload, type Member } from './_fixtures.js';

let env: TestStack;
let m: Member;
test.before(async () => {
  env = await startTestStack({ workers: 0, env: { MATCHING_PHOTO_MAX_BYTES: String(200 * 1024) } });
  m = await signUp(env, 'Bad Uploader');
});
test.after.always(() => env?.stop());

async function nothingStored(t: import('ava').ExecutionContext): Promise<void> {
  const { rows } = await env.stack.database.pool.query('SELECT 1 FROM member_photos WHERE member_id = $1', [m.memberId]);
  t.is(rows.length, 0, 'nothing stored');
}

test('text sent as image/jpeg is 400 invalid_image', async (t) => {
  const res = await upload(m, '/v1/me/matching/photo', Buffer.from('this is not an image at all'), 'image/jpeg');
  t.is(res.status, 400, JSON.stringify(res.body));
  t.is(res.body.error.code, 'invalid_image');
  t.is(res.body.error.details[0].field, 'body');
  await nothingStored(t);
});

test('a truncated JPEG is 400 invalid_image', async (t) => {
  const jpeg = await sharp(await image(FACE_IMAGE)).jpeg().toBuffer();
  const res = await upload(m, '/v1/me/matching/photo', jpeg.subarray(0, Math.floor(jpeg.length / 3)), 'image/jpeg');
  t.is(res.status, 400, JSON.stringify(res.body));
  t.is(res.body.error.code, 'invalid_image');
  await nothingStored(t);
});

test('a PNG declared as image/jpeg, and an SVG declared as image/png, are 400', async (t) => {
  const small = await sharp(await image(FACE_IMAGE)).resize(200).png().toBuffer();
  const png = await upload(m, '/v1/me/matching/photo', small, 'image/jpeg');
  t.is(png.status, 400, JSON.stringify(png.body));
  t.regex(png.body.error.message, /image\/png, not image\/jpeg/);
  const svg = await upload(m, '/v1/me/matching/photo', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><image href="http://169.254.169.254/x.png"/></svg>'), 'image/png');
  t.is(svg.status, 400, JSON.stringify(svg.body));
  t.is(svg.body.error.code, 'invalid_image');
  await nothingStored(t);
});

test('an unsupported Content-Type is 415 naming the header', async (t) => {
  const res = await upload(m, '/v1/me/matching/photo', await image(FACE_IMAGE), 'image/gif');
  t.is(res.status, 415, JSON.stringify(res.body));
  t.is(res.body.error.code, 'unsupported_media_type');
  t.is(res.body.error.details[0].field, 'header.Content-Type');
  await nothingStored(t);
});

test('a body over MATCHING_PHOTO_MAX_BYTES is 413', async (t) => {
  // 250 KiB of PNG noise: larger than the 200 KiB limit this stack runs with.
  const noise = Buffer.alloc(600 * 600 * 3);
  for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
  const big = await sharp(noise, { raw: { width: 600, height: 600, channels: 3 } }).png({ compressionLevel: 0 }).toBuffer();
  t.true(big.length > 200 * 1024);
  const res = await upload(m, '/v1/me/matching/photo', big, 'image/png');
  t.is(res.status, 413, JSON.stringify(res.body));
  t.is(res.body.error.code, 'payload_too_large');
  await nothingStored(t);
});

test('a 40×40 image is 422 image_too_small', async (t) => {
  const tiny = await sharp(await image(FACE_IMAGE)).resize(40, 40).png().toBuffer();
  const res = await upload(m, '/v1/me/matching/photo', tiny, 'image/png');
  t.is(res.status, 422, JSON.stringify(res.body));
  t.is(res.body.error.code, 'image_too_small');
  await nothingStored(t);
});

test('an empty body is 400', async (t) => {
  const res = await upload(m, '/v1/me/matching/photo', new Uint8Array(0), 'image/png');
  t.is(res.status, 400, JSON.stringify(res.body));
  t.is(res.body.error.code, 'invalid_image');
});

test('uploading without signing in is 401', async (t) => {
  const res = await upload({ ...m, token: 'nope' }, '/v1/me/matching/photo', await image(FACE_IMAGE), 'image/png');
  t.is(res.status, 401);
});
