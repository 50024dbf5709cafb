// The in-process unpacker against archives made by the standard tools (Python's zipfile, GNU tar).
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ArchiveEntryMissingError } from '../../models/archive-entry-missing-error.js';
import { archiveFormatOf, extractArchiveEntries } from '../../models/archive.js';

const big = Buffer.from(Uint8Array.from({ length: 300_000 }, (_, i) => (i * 7919) % 251));
const small = Buffer.from('hello model\n');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const created: string[] = [];
test.after.always(async () => {
  await Promise.all(created.map((d) => fs.rm(d, { recursive: true, force: true })));
});

async function fixtureDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rt-archive-'));
  created.push(dir);
  await fs.mkdir(path.join(dir, 'src', 'pkg', 'models'), { recursive: true });
  await fs.writeFile(path.join(dir, 'src', 'pkg', 'models', 'weights.bin'), big);
  await fs.writeFile(path.join(dir, 'src', 'pkg', 'tok.txt'), small);
  return dir;
}

test('zip (deflated and stored entries) unpacks to the exact bytes', async (t) => {
  const dir = await fixtureDir();
  const zip = path.join(dir, 'a.whl');
  execFileSync('python3', [
    '-c',
    'import zipfile,sys; z=zipfile.ZipFile(sys.argv[1],"w"); z.write(sys.argv[2]+"/pkg/models/weights.bin","pkg/models/weights.bin",zipfile.ZIP_DEFLATED); z.write(sys.argv[2]+"/pkg/tok.txt","pkg/tok.txt",zipfile.ZIP_STORED); z.close()',
    zip,
    path.join(dir, 'src'),
  ]);
  let seen = 0;
  const out = await extractArchiveEntries(
    zip,
    [
      { entry: 'pkg/models/weights.bin', destPath: path.join(dir, 'w') },
      { entry: 'pkg/tok.txt', destPath: path.join(dir, 't') },
    ],
    (n) => (seen += n),
  );
  t.deepEqual(out.map((o) => [o.sha256, o.bytes]), [[sha(big), big.length], [sha(small), small.length]]);
  t.deepEqual(await fs.readFile(path.join(dir, 'w')), big);
  t.deepEqual(await fs.readFile(path.join(dir, 't')), small);
  t.is(seen, big.length + small.length);
});

test('tgz unpacks the named entries', async (t) => {
  const dir = await fixtureDir();
  const tgz = path.join(dir, 'p.tgz');
  execFileSync('tar', ['-czf', tgz, '-C', path.join(dir, 'src'), 'pkg']);
  const out = await extractArchiveEntries(tgz, [{ entry: 'pkg/models/weights.bin', destPath: path.join(dir, 'w') }]);
  t.is(out[0]?.sha256, sha(big));
  t.deepEqual(await fs.readFile(path.join(dir, 'w')), big);
});

test('a missing entry is named in the error', async (t) => {
  const dir = await fixtureDir();
  const tgz = path.join(dir, 'p.tgz');
  execFileSync('tar', ['-czf', tgz, '-C', path.join(dir, 'src'), 'pkg']);
  const err = await t.throwsAsync(extractArchiveEntries(tgz, [{ entry: 'pkg/nope.onnx', destPath: path.join(dir, 'x') }]), {
    instanceOf: ArchiveEntryMissingError,
  });
  t.deepEqual(err?.entries, ['pkg/nope.onnx']);
});

test('archive format comes from the file name; unknown ones are TypeErrors', (t) => {
  t.is(archiveFormatOf('x.whl'), 'zip');
  t.is(archiveFormatOf('x.aar'), 'zip');
  t.is(archiveFormatOf('x.jar'), 'zip');
  t.is(archiveFormatOf('x.tgz'), 'tgz');
  t.throws(() => archiveFormatOf('x.rar'), { instanceOf: TypeError, message: /x\.rar/ });
});
