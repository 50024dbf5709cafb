import test from 'ava';
import { getModelSpec, listModels, MODEL_REGISTRY } from '../../models/registry.js';
import { UnknownModelError } from '../../models/unknown-model-error.js';

const sha256 = /^[0-9a-f]{64}$/;
const archiveExt = { pypi: /\.whl$/, maven: /\.(jar|aar)$/, npm: /\.tgz$/ } as const;

test('every registry entry is well formed', (t) => {
  const specs = listModels();
  t.true(specs.length >= 4);
  for (const s of specs) {
    const where = `model ${s.id}`;
    t.regex(s.id, /^[a-z0-9][a-z0-9.-]*$/, where);
    t.true(['stt', 'vad', 'embedding'].includes(s.task), where);
    t.true(['pypi', 'maven', 'npm'].includes(s.source.kind), where);
    t.regex(s.source.version, /^\d+\.\d+/, `${where}: version must be pinned`);
    t.regex(s.source.archiveSha256, sha256, where);
    t.true(Number.isInteger(s.source.archiveBytes) && s.source.archiveBytes > 0, where);
    t.regex(s.source.archiveName, archiveExt[s.source.kind], where);
    if (s.source.kind === 'maven') t.regex(s.source.package, /^[\w.-]+:[\w.-]+$/, where);
    t.true(s.licence.length > 0 && s.notes.length > 0, where);
    const names = Object.keys(s.files);
    t.true(names.length > 0, where);
    for (const name of names) {
      const f = s.files[name]!;
      t.false(name.includes('/') || name.includes('\\') || name.startsWith('.'), `${where}: cache name ${name}`);
      t.not(name, 'manifest.json', where);
      t.regex(f.sha256, sha256, `${where}/${name}`);
      t.true(Number.isInteger(f.bytes) && f.bytes > 0, `${where}/${name}`);
      t.true(f.archivePath.length > 0 && !f.archivePath.startsWith('/'), `${where}/${name}`);
    }
  }
});

test('ids are unique and the map agrees with the list', (t) => {
  const ids = listModels().map((s) => s.id);
  t.is(new Set(ids).size, ids.length);
  t.deepEqual([...MODEL_REGISTRY.keys()], ids);
});

test('the skeleton models are registered with the tasks the worker expects', (t) => {
  t.is(getModelSpec('moonshine-base-en').task, 'stt');
  t.is(getModelSpec('silero-vad').task, 'vad');
  t.is(getModelSpec('all-minilm-l6-v2-q').task, 'embedding');
  t.is(getModelSpec('bge-small-en-v15-q').task, 'embedding');
});

test('an unknown id names itself and the known ids', (t) => {
  const err = t.throws(() => getModelSpec('whisper-huge'), { instanceOf: UnknownModelError });
  t.regex(err?.message ?? '', /whisper-huge/);
  t.regex(err?.message ?? '', /moonshine-base-en/);
  t.throws(() => getModelSpec(42 as unknown as string), { instanceOf: TypeError });
});
