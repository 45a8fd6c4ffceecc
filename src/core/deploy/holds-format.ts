/**
 * How holds (./holds.ts) are written where each strategy keeps them:
 * - gitops: `.stagecraft/holds.yaml` in the config repository, a map environment → list of holds;
 * - kubernetes: the annotation `stagecraft.dev/held-images` on the workload, a JSON array;
 * - ecs: one tag per held image on the service. ECS tag values hold at most 256 characters from
 *   letters, digits, spaces and `+ - = . _ : / @`, so the value is `<at> <image> <reason>` with
 *   the reason quoted-printable style (every other character as `=HH` per UTF-8 byte, `=` as
 *   `=3D`) and cut to fit; the key is `stagecraft.dev/held/<16 hex of the image's sha256>`.
 */
import { createHash } from 'node:crypto';
import YAML from 'yaml';
import { StepError } from '../errors.js';
import { type Hold, heldName } from './holds.js';

export const HELD_IMAGES_ANNOTATION = 'stagecraft.dev/held-images';
export const HOLDS_FILE = '.stagecraft/holds.yaml';
export const HOLD_TAG_PREFIX = 'stagecraft.dev/held/';
const TAG_VALUE_MAX = 256;

const FIELDS = ['image', 'value', 'file', 'key', 'at', 'reason', 'by'] as const;

/** A hold from untrusted data (a file, an annotation), or undefined when it is not one. */
function toHold(raw: unknown): Hold | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const r = raw as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const f of FIELDS) if (r[f] !== undefined && r[f] !== null) out[f] = String(r[f]);
  if (!out.at || (!out.image && out.value === undefined)) return undefined;
  return out as unknown as Hold;
}

/** Field order as written, undefined fields left out. */
function plain(hold: Hold): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of FIELDS) if (hold[f] !== undefined) out[f] = hold[f] as string;
  return out;
}

// --- kubernetes: annotation value ---

export function parseHoldsAnnotation(text: string | undefined, where: string): Hold[] {
  if (!text) return [];
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new StepError(
      `the annotation ${HELD_IMAGES_ANNOTATION} on ${where} is not JSON; fix or remove it (it lists the images rollbacks held)`,
    );
  }
  return (Array.isArray(data) ? data : []).map(toHold).filter((h): h is Hold => h !== undefined);
}

export function formatHoldsAnnotation(holds: Hold[]): string {
  return JSON.stringify(holds.map(plain));
}

// --- gitops: .stagecraft/holds.yaml ---

export type HoldsFile = Record<string, Hold[]>;

export function parseHoldsFile(text: string | undefined): HoldsFile {
  if (!text?.trim()) return {};
  const doc = YAML.parseDocument(text);
  if (doc.errors.length) {
    throw new StepError(`${HOLDS_FILE} is not valid YAML (${doc.errors[0]?.message}); fix or delete it`);
  }
  const data = doc.toJS() as unknown;
  const out: HoldsFile = {};
  if (!data || typeof data !== 'object' || Array.isArray(data)) return out;
  for (const [env, list] of Object.entries(data as Record<string, unknown>)) {
    out[env] = (Array.isArray(list) ? list : []).map(toHold).filter((h): h is Hold => h !== undefined);
  }
  return out;
}

const FILE_HEADER = `# Images held per environment: each was rolled back by stagecraft rollback. deploy-env refuses
# a held image in its environment unless \`force: true\`, which deploys it and removes its entry.
`;

export function formatHoldsFile(file: HoldsFile): string {
  const data: Record<string, Array<Record<string, string>>> = {};
  for (const env of Object.keys(file).sort()) {
    const holds = file[env] ?? [];
    if (holds.length) data[env] = holds.map(plain);
  }
  return `${FILE_HEADER}${Object.keys(data).length ? YAML.stringify(data, { lineWidth: 0 }) : '{}\n'}`;
}

// --- ecs: service tags ---

const RAW = /[A-Za-z0-9 +\-.:/@_]/;

function encodeReason(reason: string, budget: number): string {
  let out = '';
  for (const ch of reason) {
    const piece = RAW.test(ch)
      ? ch
      : [...Buffer.from(ch, 'utf8')].map((b) => `=${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
    if (out.length + piece.length > budget) return `${out.slice(0, Math.max(0, budget - 3))}...`;
    out += piece;
  }
  return out;
}

function decodeReason(text: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const hex = text.slice(i + 1, i + 3);
    if (text[i] === '=' && /^[0-9A-F]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else bytes.push(...Buffer.from(text[i] as string, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

export function holdTagKey(hold: Hold): string {
  return `${HOLD_TAG_PREFIX}${createHash('sha256').update(heldName(hold)).digest('hex').slice(0, 16)}`;
}

/** The tag recording `hold`, or undefined when its image reference alone exceeds a tag value. */
export function formatHoldTag(hold: Hold): { key: string; value: string } | undefined {
  const image = hold.image;
  if (!image) return undefined;
  const head = `${hold.at} ${image}`;
  if (head.length > TAG_VALUE_MAX) return undefined;
  const room = TAG_VALUE_MAX - head.length - 1;
  const reason = hold.reason && room > 3 ? ` ${encodeReason(hold.reason, room)}` : '';
  return { key: holdTagKey(hold), value: `${head}${reason}` };
}

/** The holds among a service's tags, with the tag key each came from. */
export function parseHoldTags(
  tags: Array<{ key?: string | undefined; value?: string | undefined }>,
): Array<{ key: string; hold: Hold }> {
  const out: Array<{ key: string; hold: Hold }> = [];
  for (const tag of tags) {
    if (!tag.key?.startsWith(HOLD_TAG_PREFIX) || !tag.value) continue;
    const [at, image, ...rest] = tag.value.split(' ');
    if (!at || !image) continue;
    const reason = decodeReason(rest.join(' '));
    out.push({ key: tag.key, hold: { image, at, ...(reason ? { reason } : {}) } });
  }
  return out;
}
