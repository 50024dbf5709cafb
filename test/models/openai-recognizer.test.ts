// The optional OpenAI-compatible backend against a stand-in transcription server on 127.0.0.1: this checks the
// request we send and how HTTP failures map to SttError.retryable, not transcription quality.
import test from 'ava';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../core/config.js';
import { createRecognizer } from '../../models/stt/create-recognizer.js';
import { OpenAiRecognizer } from '../../models/stt/openai/openai-recognizer.js';
import { SttError } from '../../models/stt/stt-error.js';

interface Seen {
  path: string;
  body: string;
}

async function server(status: number, body: unknown): Promise<{ url: string; seen: Seen[]; close: () => Promise<void> }> {
  const seen: Seen[] = [];
  const s = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ path: req.url ?? '', body: Buffer.concat(chunks).toString('latin1') });
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/v1`, seen, close: () => new Promise((r) => s.close(() => r())) };
}

const second = new Float32Array(16000).map((_, i) => Math.sin(i / 10) * 0.1);

test('posts the segment as a 16 kHz WAV with the configured model and returns the text', async (t) => {
  const srv = await server(200, { text: ' hello there ' });
  t.teardown(srv.close);
  const r = await createRecognizer(loadConfig({ STT_BACKEND: 'openai', OPENAI_BASE_URL: srv.url, OPENAI_STT_MODEL: 'whisper-local' }));
  t.true(r instanceof OpenAiRecognizer);
  t.false(r.capabilities.local);
  const out = await r.transcribe(second);
  t.is(out.text, 'hello there');
  t.is(out.recognizerId, 'openai:whisper-local');
  t.is(srv.seen[0]?.path, '/v1/audio/transcriptions');
  t.true(srv.seen[0]!.body.includes('whisper-local'));
  t.true(srv.seen[0]!.body.includes('RIFF') && srv.seen[0]!.body.includes('WAVEfmt '));
});

test('a 503 is a retryable SttError, a 400 is not', async (t) => {
  for (const [status, retryable] of [[503, true], [400, false]] as const) {
    const srv = await server(status, { error: { message: 'nope' } });
    const r = await OpenAiRecognizer.create({ baseUrl: srv.url, apiKey: 'k', model: 'm' });
    const err = await t.throwsAsync(r.transcribe(second), { instanceOf: SttError });
    t.is(err?.retryable, retryable, `HTTP ${status}`);
    t.regex(err?.message ?? '', new RegExp(String(status)));
    await srv.close();
  }
});

test('an unreachable server is a retryable backend-unavailable error', async (t) => {
  const srv = await server(200, {});
  await srv.close();
  const r = await OpenAiRecognizer.create({ baseUrl: srv.url, apiKey: 'k', model: 'm' });
  const err = await t.throwsAsync(r.transcribe(second), { instanceOf: SttError });
  t.is(err?.code, 'backend-unavailable');
  t.true(err?.retryable);
});
