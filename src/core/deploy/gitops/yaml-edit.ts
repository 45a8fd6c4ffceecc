/**
 * Changes one scalar in a YAML file and nothing else. The `yaml` Document API finds the node
 * (and its exact source range); only those characters are replaced, so comments, key order,
 * quoting, blank lines and indentation of the rest of the file stay byte-for-byte the same.
 */
import YAML, { isCollection, isMap, isScalar, isSeq, type Scalar } from 'yaml';

export class KeyPathError extends Error {}

function parse(text: string, file: string): YAML.Document.Parsed {
  const doc = YAML.parseDocument(text, { keepSourceTokens: false });
  if (doc.errors.length) throw new KeyPathError(`${file} is not valid YAML: ${doc.errors[0]?.message}`);
  return doc;
}

/** Finds the scalar node at `path`; throws KeyPathError naming what exists instead. */
function findScalar(doc: YAML.Document.Parsed, path: string[], file: string): Scalar {
  let node: unknown = doc.contents;
  for (const [i, segment] of path.entries()) {
    const here = path.slice(0, i).join('.') || '(top level)';
    if (isMap(node)) {
      const next = node.get(segment, true);
      if (next === undefined) {
        const keys = node.items.map((p) => String(isScalar(p.key) ? p.key.value : p.key)).slice(0, 20);
        throw new KeyPathError(
          `key "${path.slice(0, i + 1).join('.')}" not found in ${file}; keys under ${here}: ${keys.join(', ') || 'none'}`,
        );
      }
      node = next;
    } else if (isSeq(node) && /^\d+$/.test(segment)) {
      const next = node.get(Number(segment), true);
      if (next === undefined) {
        throw new KeyPathError(
          `index ${segment} is out of range at ${here} in ${file} (${node.items.length} items)`,
        );
      }
      node = next;
    } else {
      throw new KeyPathError(`"${here}" in ${file} is ${describe(node)}, so it has no key "${segment}"`);
    }
  }
  if (!isScalar(node)) {
    throw new KeyPathError(`"${path.join('.')}" in ${file} is ${describe(node)}, not a single value`);
  }
  return node;
}

function describe(node: unknown): string {
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) return `the value ${JSON.stringify(node.value)}`;
  return 'empty';
}

/** The value at `path` as text (numbers and booleans as written), for reading history. */
export function getYamlValue(text: string, path: string[], file = 'the file'): string {
  const node = findScalar(parse(text, file), path, file);
  return node.value === null ? '' : String(node.value);
}

/** The source text of `value` in the style of the node it replaces (quoted if plain would misread). */
function render(value: string, type: Scalar['type']): string {
  const style = type === 'QUOTE_SINGLE' || type === 'QUOTE_DOUBLE' ? type : 'PLAIN';
  return YAML.stringify(value, {
    defaultStringType: style,
    singleQuote: style === 'QUOTE_SINGLE',
    lineWidth: 0,
  }).trimEnd();
}

export interface YamlEdit {
  text: string;
  previous: string;
  changed: boolean;
}

/** Sets the scalar at `path` to the string `value`. Throws KeyPathError when the path is not a value. */
export function setYamlValue(text: string, path: string[], value: string, file = 'the file'): YamlEdit {
  const doc = parse(text, file);
  const node = findScalar(doc, path, file);
  const previous = node.value === null ? '' : String(node.value);
  if (previous === value && typeof node.value === 'string') return { text, previous, changed: false };
  const [start, end] = node.range ?? [];
  if (start === undefined || end === undefined || isCollection(node)) {
    throw new KeyPathError(`cannot locate "${path.join('.')}" in the source of ${file}`);
  }
  const next = text.slice(0, start) + render(value, node.type) + text.slice(end);
  // The edit must read back as exactly the string we meant, and leave the document valid.
  const check = findScalar(parse(next, file), path, file);
  if (check.value !== value) {
    throw new KeyPathError(
      `setting "${path.join('.')}" in ${file} would not read back as ${JSON.stringify(value)}`,
    );
  }
  return { text: next, previous, changed: next !== text };
}
