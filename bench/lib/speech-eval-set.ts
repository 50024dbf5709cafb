// Finds every labelled utterance under the shared speech eval dir. Two transcript layouts occur there:
// LibriSpeech-style `*.trans.txt` ("<id> <TEXT>" per line, audio `<id>.flac|.wav` beside it) and CMU Sphinx
// `transcription` files ("<s> text </s> (<id>)" per line, audio `<id>.wav`).
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface SpeechEvalItem {
  /** `<subset>/<utterance id>` */
  id: string;
  subset: string;
  audioPath: string;
  reference: string;
}

/** shared/ sits beside the repository checkout (CI and developer machines alike). */
export function defaultSpeechEvalDir(): string {
  const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  return path.resolve(repoRoot, '..', 'shared', 'eval', 'speech');
}

export function parseTransTxt(text: string): { id: string; reference: string }[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const space = line.indexOf(' ');
      if (space <= 0) throw new Error(`transcript line has no text: "${line}"`);
      return { id: line.slice(0, space), reference: line.slice(space + 1).trim() };
    });
}

export function parseSphinxTranscription(text: string): { id: string; reference: string }[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const m = /^(?:<s>\s*)?(.*?)(?:\s*<\/s>)?\s*\(([^()]+)\)$/.exec(line);
      if (!m) throw new Error(`sphinx transcription line not understood: "${line}"`);
      return { id: m[2]!.trim(), reference: m[1]!.trim() };
    });
}

export async function loadSpeechEvalSet(dir: string = defaultSpeechEvalDir()): Promise<SpeechEvalItem[]> {
  const items: SpeechEvalItem[] = [];
  const subsets = (await fs.readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  for (const subset of subsets) {
    const subDir = path.join(dir, subset);
    const names = (await fs.readdir(subDir)).sort();
    const labelled: { id: string; reference: string }[] = [];
    for (const name of names) {
      if (name.endsWith('.trans.txt')) labelled.push(...parseTransTxt(await fs.readFile(path.join(subDir, name), 'utf8')));
      else if (name === 'transcription') labelled.push(...parseSphinxTranscription(await fs.readFile(path.join(subDir, name), 'utf8')));
    }
    for (const { id, reference } of labelled) {
      const audio = ['.wav', '.flac'].map((ext) => `${id}${ext}`).find((n) => names.includes(n));
      if (!audio) throw new Error(`${subset}: transcript names "${id}" but there is no ${id}.wav or ${id}.flac`);
      items.push({ id: `${subset}/${id}`, subset, audioPath: path.join(subDir, audio), reference });
    }
  }
  if (items.length === 0) throw new Error(`no labelled speech found under ${dir}`);
  return items;
}
