// Decoder for Moonshine's `tokenizer.bin`: the SentencePiece vocabulary flattened to one length-prefixed byte
// string per token id, in id order. A length byte below 128 is the length; from 128 on, the length takes two bytes
// (second * 128 + first - 128). Pieces use U+2581 for a leading space and ids 3..258 are raw byte fallbacks, so
// decoding is: concatenate bytes, read as UTF-8, turn U+2581 into spaces.
import fs from 'node:fs/promises';

const SPACE_MARK = '\u2581';

export class MoonshineTokenizer {
  /** Ids never printed: <unk>, <s> (BOS), </s> (EOS). */
  static readonly SPECIAL_IDS: ReadonlySet<number> = new Set([0, 1, 2]);

  private constructor(private readonly pieces: readonly Uint8Array[]) {}

  static async fromFile(filePath: string): Promise<MoonshineTokenizer> {
    return MoonshineTokenizer.fromBytes(await fs.readFile(filePath));
  }

  static fromBytes(bytes: Uint8Array): MoonshineTokenizer {
    if (!(bytes instanceof Uint8Array)) throw new TypeError('bytes must be a Uint8Array');
    const pieces: Uint8Array[] = [];
    for (let p = 0; p < bytes.length; ) {
      let len = bytes[p++]!;
      if (len >= 128) {
        if (p >= bytes.length) throw new RangeError(`tokenizer.bin: truncated length at byte ${p - 1}`);
        len = bytes[p++]! * 128 + len - 128;
      }
      if (p + len > bytes.length) throw new RangeError(`tokenizer.bin: token ${pieces.length} runs past the end of the file`);
      pieces.push(bytes.subarray(p, p + len));
      p += len;
    }
    return new MoonshineTokenizer(pieces);
  }

  get size(): number {
    return this.pieces.length;
  }

  decode(ids: readonly number[]): string {
    const parts: Uint8Array[] = [];
    for (const id of ids) {
      if (MoonshineTokenizer.SPECIAL_IDS.has(id)) continue;
      // Logit ids past the vocabulary (the head is padded to 32768) carry no text.
      const piece = this.pieces[id];
      if (piece) parts.push(piece);
    }
    return Buffer.concat(parts).toString('utf8').replaceAll(SPACE_MARK, ' ').trim();
  }
}
