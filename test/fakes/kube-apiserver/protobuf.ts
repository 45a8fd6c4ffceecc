/**
 * The Kubernetes protobuf encoding (`application/vnd.kubernetes.protobuf`), as client-go's typed
 * clients send and ask for it: the magic `k8s\0`, then a runtime.Unknown whose typeMeta names the
 * apiVersion and kind and whose raw bytes are the kind's own message. Messages are read and written
 * with protobufjs from Kubernetes' own generated.proto files (proto/, see proto/README.md) and
 * converted to and from the JSON objects the fake stores, the way the API server's Go types convert:
 * json names, inlined embedded structs (a Probe's handler, a Volume's source), IntOrString, Quantity, Time/MicroTime (RFC 3339), RawExtension and FieldsV1 (embedded
 * JSON), bytes (base64), and a zero on the wire dropped unless the Go field is a pointer or has no
 * `omitempty` (the Go encoder writes every non-pointer field, so there a zero means "unset").
 * Watches use the stream form: each event a 4-byte big-endian length, then a meta/v1 WatchEvent
 * whose object holds the envelope.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import type { Obj } from './merge.js';
import { ApiError } from './store.js';

export const PROTOBUF = 'application/vnd.kubernetes.protobuf';
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);
/** proto/ beside this file; `npm run fake:kube` runs a bundle of it from node_modules/.cache, below the repository. */
function findProtoDir(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    for (const candidate of [join(dir, 'proto'), join(dir, 'test/fakes/kube-apiserver/proto')])
      if (existsSync(join(candidate, 'fields.json'))) return candidate;
    if (dirname(dir) === dir) throw new Error('the Kubernetes fake cannot find its proto/ folder');
  }
}

/** The API groups whose kinds have messages here, by group: the proto package they live in. */
const PACKAGES: Record<string, string> = {
  v1: 'k8s.io.api.core.v1',
  'apps/v1': 'k8s.io.api.apps.v1',
  'batch/v1': 'k8s.io.api.batch.v1',
  'autoscaling/v1': 'k8s.io.api.autoscaling.v1',
  'autoscaling/v2': 'k8s.io.api.autoscaling.v2',
  'policy/v1': 'k8s.io.api.policy.v1',
  'networking.k8s.io/v1': 'k8s.io.api.networking.v1',
  'rbac.authorization.k8s.io/v1': 'k8s.io.api.rbac.v1',
};
const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';
/** Kinds of meta.k8s.io/v1 a request or an answer may carry in any group. */
const META_KINDS = new Set(['Status', 'DeleteOptions', 'WatchEvent']);

interface Fields {
  keepZero?: string[];
  json?: Record<string, string>;
  /** Embedded structs whose fields JSON puts beside the others. */
  inline?: string[];
}

let loaded: { root: protobuf.Root; fields: Record<string, Fields> } | undefined;
function schema() {
  if (loaded) return loaded;
  const protoDir = findProtoDir();
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => join(protoDir, target);
  root.loadSync(
    Object.values(PACKAGES).map(
      (p) => `k8s.io/api/${p.slice('k8s.io.api.'.length).replaceAll('.', '/')}/generated.proto`,
    ),
    { keepCase: true },
  );
  root.resolveAll();
  const { fields } = JSON.parse(readFileSync(join(protoDir, 'fields.json'), 'utf8')) as {
    fields: Record<string, Fields>;
  };
  loaded = { root, fields };
  return loaded;
}

/** The message type of `kind` in `apiVersion`, or undefined when the fake has none (custom resources). */
export function messageType(apiVersion: string, kind: string): protobuf.Type | undefined {
  const pkg = META_KINDS.has(kind) ? META : PACKAGES[apiVersion];
  if (!pkg) return undefined;
  const found = schema().root.lookup(`${pkg}.${kind}`);
  return found instanceof protobuf.Type ? found : undefined;
}

/** Whether the Accept header asks for protobuf first (plain, or the watch stream form). */
export function wantsProtobuf(accept: string | undefined): boolean {
  const first = String(accept ?? '')
    .split(',')[0]
    ?.trim();
  if (!first?.startsWith(PROTOBUF)) return false;
  const params = first.split(';').slice(1);
  return params.every((p) => p.trim().startsWith('stream=') || p.trim().startsWith('q='));
}

/** Decodes a protobuf request body into the JSON object it stands for (apiVersion and kind from its envelope). */
export function decodeBody(body: Buffer): Obj {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC))
    throw new ApiError(
      400,
      'BadRequest',
      'provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]',
    );
  const { root } = schema();
  const unknownType = root.lookupType('k8s.io.apimachinery.pkg.runtime.Unknown');
  let unknown: Obj;
  try {
    unknown = unknownType.decode(body.subarray(4)) as unknown as Obj;
  } catch (err) {
    throw new ApiError(400, 'BadRequest', `the request body could not be decoded: ${(err as Error).message}`);
  }
  const typeMeta = (unknown.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
  const apiVersion = typeMeta.apiVersion ?? '';
  const kind = typeMeta.kind ?? '';
  const type = messageType(apiVersion, kind);
  if (!type)
    throw new ApiError(
      400,
      'BadRequest',
      `no kind "${kind}" is registered for version "${apiVersion}" in scheme "pkg/api/legacyscheme/scheme.go:30"`,
    );
  let message: protobuf.Message;
  try {
    message = type.decode((unknown.raw as Uint8Array | undefined) ?? new Uint8Array());
  } catch (err) {
    throw new ApiError(400, 'BadRequest', `the request body could not be decoded: ${(err as Error).message}`);
  }
  return { apiVersion, kind, ...toJson(type, message) };
}

/** Encodes a JSON object that names its apiVersion and kind in the envelope, or undefined when it has no message here. */
export function encodeObject(obj: Obj): Buffer | undefined {
  const apiVersion = String(obj.apiVersion ?? '');
  const kind = String(obj.kind ?? '');
  const type = messageType(apiVersion, kind);
  if (!type) return undefined;
  const { apiVersion: _a, kind: _k, ...rest } = obj;
  const raw = type.encode(type.fromObject(fromJson(type, rest))).finish();
  const unknownType = schema().root.lookupType('k8s.io.apimachinery.pkg.runtime.Unknown');
  const envelope = unknownType
    .encode(
      unknownType.fromObject({ typeMeta: { apiVersion, kind }, raw, contentEncoding: '', contentType: '' }),
    )
    .finish();
  return Buffer.concat([MAGIC, envelope]);
}

/** One watch event in the protobuf stream form: length, then a WatchEvent holding the envelope. */
export function encodeWatchEvent(type: string, object: Obj): Buffer | undefined {
  const raw = encodeObject(object);
  if (!raw) return undefined;
  const eventType = schema().root.lookupType(`${META}.WatchEvent`);
  const event = eventType.encode(eventType.fromObject({ type, object: { raw } })).finish();
  const length = Buffer.alloc(4);
  length.writeUInt32BE(event.length);
  return Buffer.concat([length, event]);
}

const INT_OR_STRING = 'k8s.io.apimachinery.pkg.util.intstr.IntOrString';
const QUANTITY = 'k8s.io.apimachinery.pkg.api.resource.Quantity';
const TIME = `${META}.Time`;
const MICRO_TIME = `${META}.MicroTime`;
const RAW_EXTENSION = 'k8s.io.apimachinery.pkg.runtime.RawExtension';
const FIELDS_V1 = `${META}.FieldsV1`;

const nameOf = (type: protobuf.Type) => type.fullName.replace(/^\./, '');
const num = (v: unknown) => (typeof v === 'object' && v !== null ? Number(String(v)) : Number(v));
const isZero = (v: unknown) =>
  v === '' || v === false || (v instanceof Uint8Array ? v.length === 0 : v !== null && num(v) === 0);

function toJson(type: protobuf.Type, message: protobuf.Message | Obj): Obj {
  const { fields } = schema();
  const info = fields[nameOf(type)] ?? {};
  const out: Obj = {};
  const m = message as unknown as Obj;
  for (const field of type.fieldsArray) {
    if (!Object.hasOwn(m, field.name)) continue;
    const value = m[field.name];
    const json = info.json?.[field.name] ?? field.name;
    if (json === '-') continue;
    if (info.inline?.includes(field.name) && field.resolvedType instanceof protobuf.Type) {
      Object.assign(out, toJson(field.resolvedType, value as Obj));
      continue;
    }
    const one = (v: unknown) =>
      field.resolvedType instanceof protobuf.Type ? special(field.resolvedType, v as Obj) : scalar(v);
    if (field.map) {
      const entries = Object.entries(value as Obj);
      if (entries.length) out[json] = Object.fromEntries(entries.map(([k, v]) => [k, one(v)]));
    } else if (field.repeated) {
      if ((value as unknown[]).length) out[json] = (value as unknown[]).map(one);
    } else if (field.resolvedType instanceof protobuf.Type) {
      const converted = special(field.resolvedType, value as Obj);
      if (converted !== undefined) out[json] = converted;
    } else if (!isZero(value) || info.keepZero?.includes(field.name)) out[json] = scalar(value);
  }
  return out;
}

function scalar(v: unknown): unknown {
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (typeof v === 'object' && v !== null) return num(v); // int64 as Long
  return v;
}

/** The JSON of a message value: the types with a JSON form of their own, else its fields. */
function special(type: protobuf.Type, v: Obj): unknown {
  switch (nameOf(type)) {
    case INT_OR_STRING:
      return num(v.type ?? 0) === 1 ? String(v.strVal ?? '') : num(v.intVal ?? 0);
    case QUANTITY:
      return String(v.string ?? '');
    case TIME:
    case MICRO_TIME: {
      const seconds = num(v.seconds ?? 0);
      const nanos = num(v.nanos ?? 0);
      if (seconds === 0 && nanos === 0) return undefined;
      const iso = new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, '');
      return nameOf(type) === TIME
        ? `${iso}Z`
        : `${iso}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z`;
    }
    case RAW_EXTENSION:
    case FIELDS_V1: {
      const raw = (v.raw ?? v.Raw) as Uint8Array | undefined;
      if (!raw?.length) return undefined;
      const bytes = Buffer.from(raw);
      return bytes.subarray(0, 4).equals(MAGIC) ? decodeBody(bytes) : JSON.parse(bytes.toString('utf8'));
    }
    default:
      return toJson(type, v);
  }
}

/** The plain object protobufjs' fromObject takes for a JSON object of `type` (fields it lacks are dropped, as protobuf carries none). */
function fromJson(type: protobuf.Type, obj: Obj): Obj {
  const info = schema().fields[nameOf(type)] ?? {};
  const out: Obj = {};
  for (const field of type.fieldsArray) {
    const json = info.json?.[field.name] ?? field.name;
    if (info.inline?.includes(field.name) && field.resolvedType instanceof protobuf.Type) {
      out[field.name] = fromJson(field.resolvedType, obj);
      continue;
    }
    const value = obj[json];
    if (value === undefined || value === null || json === '-') continue;
    const one = (v: unknown) =>
      field.resolvedType instanceof protobuf.Type ? unspecial(field.resolvedType, v) : v;
    if (field.map)
      out[field.name] = Object.fromEntries(
        Object.entries(value as Obj).map(([k, v]) => [
          k,
          field.type === 'bytes' ? Buffer.from(String(v), 'base64') : one(v),
        ]),
      );
    else if (field.repeated) out[field.name] = (value as unknown[]).map(one);
    else out[field.name] = field.type === 'bytes' ? Buffer.from(String(value), 'base64') : one(value);
  }
  return out;
}

function unspecial(type: protobuf.Type, v: unknown): unknown {
  switch (nameOf(type)) {
    case INT_OR_STRING:
      return typeof v === 'string' ? { type: 1, strVal: v } : { type: 0, intVal: Number(v) };
    case QUANTITY:
      return { string: String(v) };
    case TIME:
    case MICRO_TIME: {
      const ms = Date.parse(String(v));
      const fraction = /\.(\d+)/.exec(String(v))?.[1] ?? '';
      return { seconds: Math.floor(ms / 1000), nanos: Number(fraction.padEnd(9, '0').slice(0, 9)) };
    }
    case RAW_EXTENSION:
      return { raw: Buffer.from(JSON.stringify(v)) };
    case FIELDS_V1:
      return { Raw: Buffer.from(JSON.stringify(v)) };
    default:
      return fromJson(type, v as Obj);
  }
}
