/**
 * Setting keys in the files read at one head: several keys (in one file or several) become one
 * change set, each file changed once with every edit applied, comments and layout kept.
 */
import { InputError } from '../../errors.js';
import type { FileChange, Head } from './changes.js';
import type { GitopsEntry } from './target.js';
import { getYamlValue, KeyPathError, setYamlValue } from './yaml-edit.js';

export interface Edit {
  entry: GitopsEntry;
  value: string;
}

export interface Edited {
  /** Only the files whose text changed. */
  changes: FileChange[];
  /** The value each edit replaced, in order. */
  previous: string[];
}

/** The input a key error is reported on: `key` for one entry, `updates` for several. */
export type KeyInput = 'key' | 'updates';

function keyError(err: unknown, entry: GitopsEntry, input: KeyInput): never {
  if (err instanceof KeyPathError) {
    throw new InputError(
      input,
      input === 'key' ? entry.key.join('.') : `${entry.file} ${entry.key.join('.')}`,
      err.message,
    );
  }
  throw err;
}

/** The current value of one entry at `head`. */
export async function readEntry(head: Head, entry: GitopsEntry, input: KeyInput): Promise<string> {
  const text = await head.read(entry.file);
  try {
    return getYamlValue(text, entry.key, entry.file);
  } catch (err) {
    return keyError(err, entry, input);
  }
}

/** Applies every edit on the files at `head`. */
export async function applyEdits(head: Head, edits: Edit[], input: KeyInput): Promise<Edited> {
  const original = new Map<string, string>();
  const texts = new Map<string, string>();
  const previous: string[] = [];
  for (const { entry, value } of edits) {
    if (!texts.has(entry.file)) {
      const text = await head.read(entry.file);
      original.set(entry.file, text);
      texts.set(entry.file, text);
    }
    try {
      const edit = setYamlValue(texts.get(entry.file) as string, entry.key, value, entry.file);
      texts.set(entry.file, edit.text);
      previous.push(edit.previous);
    } catch (err) {
      keyError(err, entry, input);
    }
  }
  const changes = [...texts]
    .filter(([file, text]) => original.get(file) !== text)
    .map(([path, content]) => ({ path, content }));
  return { changes, previous };
}
