// The document states the rules the server enforces, so a client generated from it sends what is accepted:
// the password length of the password policy, that joining requires acceptTranscription: true, the photoUrl
// pattern. Each rule lives once, in the zod schema the route validates with; the document is generated from it.
import test from 'ava';
import { allRoutes } from '../../api/app.js';
import type { ApiServices } from '../../api/context.js';
import { buildOpenApi } from '../../api/openapi.js';
import { loadConfig } from '../../core/config.js';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, checkPasswordPolicy } from '../../engine/identity/index.js';
import { PhotoUrlSchema } from '../../engine/social/index.js';

const services = { config: loadConfig({}) } as unknown as ApiServices;
const doc = buildOpenApi(allRoutes(services), { title: 't', version: '1' }) as { paths: Record<string, Record<string, any>> };
const bodyOf = (path: string, method: string) => doc.paths[path]![method].requestBody.content['application/json'].schema;

test('sign-up states the password length the policy enforces', (t) => {
  const password = bodyOf('/v1/auth/signup', 'post').properties.password;
  t.is(password.minLength, PASSWORD_MIN_LENGTH);
  t.is(password.maxLength, PASSWORD_MAX_LENGTH);
  t.is(checkPasswordPolicy('k7#mQ2!xz'.slice(0, PASSWORD_MIN_LENGTH - 1))?.code, 'too_short', 'one shorter is refused by the policy');
});

test('joining states that acceptTranscription must be true', (t) => {
  const body = bodyOf('/v1/rooms/{roomId}/join', 'post');
  t.deepEqual(body.required, ['acceptTranscription']);
  t.is(body.properties.acceptTranscription.const, true);
});

test('the profile states the photoUrl pattern it checks, and the pattern is the whole rule', (t) => {
  const photo = bodyOf('/v1/me', 'patch').properties.photoUrl;
  const schema = (photo.anyOf ?? [photo]).find((s: { type?: string }) => s.type === 'string');
  t.truthy(schema?.pattern, JSON.stringify(photo));
  const pattern = new RegExp(schema.pattern);
  for (const url of ['https://cdn.example.com/a.png', 'https://a-b.example.org/x?y=1#z', 'http://cdn.example.com/a.png', 'https://user:pw@example.com/a.png', 'https://1.2.3.4/a.png', 'https://example.com:8443/a', 'https://xn--zz.com/a', 'https:/a.png', 'javascript:alert(1)']) {
    t.is(PhotoUrlSchema.safeParse(url).success, pattern.test(url), `the document and the server agree on ${url}`);
    // Whatever the pattern admits, a URL parser accepts: clients can fetch it.
    if (pattern.test(url)) t.true(URL.canParse(url), url);
  }
  t.is(schema.maxLength, 2048);
});

test('required text fields state that they must not be blank (the server trims, then needs a character)', (t) => {
  const fields: [string, string, string][] = [
    ['/v1/auth/signup', 'post', 'displayName'],
    ['/v1/api-keys', 'post', 'name'],
    ['/v1/rooms', 'post', 'title'],
    ['/v1/groups', 'post', 'name'],
    ['/v1/groups/{groupId}', 'patch', 'name'],
    ['/v1/me', 'patch', 'displayName'],
  ];
  for (const [path, method, field] of fields) {
    const schema = bodyOf(path, method).properties[field];
    t.is(schema.pattern, '\\S', `${method.toUpperCase()} ${path} ${field}: ${JSON.stringify(schema)}`);
    t.false(new RegExp(schema.pattern).test('   '), 'whitespace alone is refused by the document too');
  }
});
