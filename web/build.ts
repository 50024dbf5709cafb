// Builds the web console into web/dist with esbuild: one bundle per entry (content-hashed names), and an
// index.html that names them. Everything the pages load is in dist: no CDN, no other host.
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const webDir = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.join(webDir, 'dist');

export async function buildWeb(options: { minify?: boolean } = {}): Promise<{ outDir: string; files: string[] }> {
  // Built beside dist and swapped in by rename, so a running API never serves a half-written console.
  const buildDir = `${outDir}.build-${process.pid}`;
  await fs.rm(buildDir, { recursive: true, force: true });
  const result = await esbuild.build({
    entryPoints: { app: path.join(webDir, 'src/main.tsx') },
    outdir: path.join(buildDir, 'assets'),
    entryNames: '[name]-[hash]',
    bundle: true,
    format: 'esm',
    splitting: false,
    platform: 'browser',
    target: ['chrome110', 'firefox110', 'safari16'],
    jsx: 'automatic',
    minify: options.minify ?? true,
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const outputs = Object.keys(result.metafile.outputs).map((f) => path.relative(buildDir, path.resolve(f)));
  const js = outputs.find((f) => f.endsWith('.js'));
  const css = outputs.find((f) => f.endsWith('.css'));
  if (!js) throw new Error('esbuild produced no JavaScript bundle');
  const template = await fs.readFile(path.join(webDir, 'index.html'), 'utf8');
  const html = template
    .replace('<!-- styles -->', css ? `<link rel="stylesheet" href="/${css}">` : '')
    .replace('<!-- scripts -->', `<script type="module" src="/${js}"></script>`);
  await fs.writeFile(path.join(buildDir, 'index.html'), html);
  const oldDir = `${outDir}.old-${process.pid}`;
  await fs.rename(outDir, oldDir).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
  await fs.rename(buildDir, outDir);
  await fs.rm(oldDir, { recursive: true, force: true });
  return { outDir, files: ['index.html', ...outputs] };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { files } = await buildWeb();
  process.stdout.write(`web console built: ${files.filter((f) => !f.endsWith('.map')).join(', ')}\n`);
}
