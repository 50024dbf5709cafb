import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** Streams a file through sha256 so 40 MB model files never sit in memory whole. */
export async function sha256File(filePath: string, onBytes?: (n: number) => void): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(filePath, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
    onBytes?.((chunk as Buffer).length);
  }
  return hash.digest('hex');
}
