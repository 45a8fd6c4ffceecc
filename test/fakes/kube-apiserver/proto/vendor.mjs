/**
 * Re-vendors the Kubernetes .proto files the fake decodes with, from git copies of kubernetes/api
 * and kubernetes/apimachinery: `node vendor.mjs <api.git> <apimachinery.git>`. Besides the
 * generated.proto files it writes fields.json, read from the Go types the .proto files were
 * generated from: per message, the fields whose zero value is still sent in JSON (pointers and
 * fields without `omitempty`; the Go protobuf encoder writes every non-pointer field, so a zero on
 * the wire means "unset" for the others), any field whose JSON name differs from its proto name, and
 * the embedded structs whose fields JSON inlines (`json:""` or `json:",inline"`: a Probe's handler, a
 * Volume's source). Format fields.json with biome afterwards (`npx biome format --write`).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const [api, machinery] = process.argv.slice(2);
if (!api || !machinery)
  throw new Error('usage: node vendor.mjs <kubernetes/api git dir> <kubernetes/apimachinery git dir>');
const here = dirname(new URL(import.meta.url).pathname);
const git = (dir, ...args) =>
  execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
const packages = [
  [
    api,
    'k8s.io/api',
    [
      'core/v1',
      'apps/v1',
      'batch/v1',
      'autoscaling/v1',
      'autoscaling/v2',
      'policy/v1',
      'networking/v1',
      'rbac/v1',
      'scheduling/v1alpha3',
    ],
  ],
  [
    machinery,
    'k8s.io/apimachinery',
    ['pkg/api/resource', 'pkg/apis/meta/v1', 'pkg/runtime', 'pkg/runtime/schema', 'pkg/util/intstr'],
  ],
];
const fields = {};
const sources = [];
for (const [dir, prefix, dirs] of packages) {
  sources.push(
    `${prefix} ${git(dir, 'rev-parse', 'HEAD').trim()} (${git(dir, 'describe', '--tags', '--always').trim()})`,
  );
  for (const d of dirs) {
    const proto = git(dir, 'show', `HEAD:${d}/generated.proto`);
    const out = join(here, prefix, d, 'generated.proto');
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, proto);
    const pkg = /^package ([\w.]+);/m.exec(proto)[1];
    const goFiles = git(dir, 'ls-tree', '--name-only', 'HEAD', `${d}/`)
      .split('\n')
      .filter((f) => f.endsWith('.go') && !f.endsWith('_test.go') && !f.includes('generated'));
    for (const f of goFiles) {
      let struct;
      for (const line of git(dir, 'show', `HEAD:${f}`).split('\n')) {
        const s = /^type (\w+) struct/.exec(line);
        if (s) struct = s[1];
        if (line === '}') struct = undefined;
        // An embedded struct: its proto field is named in the tag, or after the type.
        const embedded = /^\s+\*?(?:\w+\.)?(\w+)\s+`json:"(?:,inline)?".*protobuf:"([^"]*)"/.exec(line);
        if (struct && embedded) {
          const [, goType, tag] = embedded;
          const name = /name=(\w+)/.exec(tag)?.[1] ?? `${goType[0].toLowerCase()}${goType.slice(1)}`;
          const key = `${pkg}.${struct}`;
          fields[key] = { ...fields[key], inline: [...(fields[key]?.inline ?? []), name] };
          continue;
        }
        const m = /^\s+\w+\s+(\S+)\s+`json:"([^"]*)".*protobuf:"[^"]*name=(\w+)/.exec(line);
        if (!struct || !m) continue;
        const [, type, json, name] = m;
        const [jsonName, ...opts] = json.split(',');
        const key = `${pkg}.${struct}`;
        const entry = fields[key] ?? {};
        fields[key] = entry;
        if (type.startsWith('*') || !opts.includes('omitempty'))
          entry.keepZero = [...(entry.keepZero ?? []), name];
        if (jsonName && jsonName !== name) entry.json = { ...entry.json, [name]: jsonName };
      }
    }
  }
}
writeFileSync(join(here, 'fields.json'), `${JSON.stringify({ sources, fields }, null, 1)}\n`);
console.log(sources.join('\n'));
