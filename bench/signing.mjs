#!/usr/bin/env node
// Signing and verification: what `sign` adds to build-push-image and `verify-signature` to
// deploy-env, on this machine, against the Sigstore stand-in (test/fakes/sigstore/: Fulcio, Rekor
// and a TSA on loopback, so the network round trips to the public instance are not in it) and a
// real docker-registry.
// 1. sign + attach: sign the cosign statement of a pushed digest and push the bundle as its
//    referrer (keyless: OIDC token → Fulcio certificate → Rekor entry; key: a P-256 key, no log).
// 2. deploy-env, GitOps to a local bare repository, run as the runner runs the committed bundle
//    (dist/deploy-env), with and without `verify-signature: keyless` (tag resolved, bundles
//    fetched and verified with @sigstore/verify). Goal: verification adds ≤ 20% to the run.
// Median of RUNS runs. Usage: node bench/signing.mjs   (env RUNS=7)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const RUNS = Number(process.env.RUNS ?? 7);

const dir = mkdtempSync(join(tmpdir(), 'bench-signing-'));
const entry = join(dir, 'entry.ts');
const src = (p) => JSON.stringify(join(root, p));
writeFileSync(
  entry,
  [
    `export { startRegistry } from ${src('test/helpers/registry.ts')};`,
    `export { startSigstore } from ${src('test/fakes/sigstore/server.ts')};`,
    `export { clientFor, keyless, signedImage, githubIdentity } from ${src('test/helpers/signing.ts')};`,
    `export { createBareRepo } from ${src('test/helpers/git.ts')};`,
    `export { runActionAt } from ${src('test/helpers/runner.ts')};`,
    `export { loadSigningKey } from ${src('src/core/sign/keys.ts')};`,
    `export { signStatement } from ${src('src/core/sign/sign.ts')};`,
    `export { pushBundle } from ${src('src/core/sign/oci.ts')};`,
    `export { signatureStatement, COSIGN_SIGN_PREDICATE } from ${src('src/core/sign/statement.ts')};`,
  ].join('\n'),
);
await build({
  entryPoints: [entry],
  outfile: join(dir, 'lib.mjs'),
  bundle: true,
  format: 'esm',
  platform: 'node',
  logLevel: 'error',
  banner: { js: "import{createRequire as __r}from'node:module';const require=__r(import.meta.url);" },
});
const lib = await import(pathToFileURL(join(dir, 'lib.mjs')).href);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (n) => `${Math.round(n)} ms`;

const [registry, sigstore] = await Promise.all([lib.startRegistry(), lib.startSigstore()]);
const repo = lib.createBareRepo({ 'deploy/staging/values.yaml': 'image:\n  tag: "old"\n' });
const rows = [];
try {
  const client = lib.clientFor(registry.host);
  const { generateKeyPairSync } = await import('node:crypto');
  const pem = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    .privateKey.export({ format: 'pem', type: 'pkcs8' })
    .toString();
  const key = await lib.loadSigningKey(pem);
  for (const [name, how] of [
    ['keyless (Fulcio + Rekor)', () => lib.keyless(sigstore)],
    ['key, rekor-url: none', () => ({ mode: 'key', key, rekorUrl: null })],
  ]) {
    const times = [];
    for (let i = 0; i < RUNS; i++) {
      const image = await lib.signedImage(client, 'bench/app', `s${i}`, null);
      const t0 = performance.now();
      const signed = await lib.signStatement(lib.signatureStatement(image.digest), how());
      await lib.pushBundle(
        client,
        'bench/app',
        image.subject,
        signed.bytes,
        lib.COSIGN_SIGN_PREDICATE,
        new Date(),
      );
      times.push(performance.now() - t0);
    }
    rows.push([`sign + attach: ${name}`, ms(median(times)), '']);
  }

  await lib.signedImage(client, 'bench/app', 'v1', lib.keyless(sigstore));
  const inputs = (verify) => ({
    strategy: 'gitops',
    environment: 'staging',
    repository: repo.url,
    file: 'deploy/{environment}/values.yaml',
    key: 'image.tag',
    value: 'ref',
    token: '',
    record: 'false',
    image: `${registry.host}/bench/app:v1`,
    'tls-verify': 'false',
    ...(verify
      ? {
          'verify-signature': 'keyless',
          'certificate-identity': lib.githubIdentity(),
          'certificate-oidc-issuer': 'https://token.actions.githubusercontent.com',
          'trusted-root': sigstore.trustedRootPath,
        }
      : {}),
  });
  const deploy = {};
  for (const verify of [false, true]) {
    const times = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      const run = await lib.runActionAt(join(root, 'actions/deploy-env'), { inputs: inputs(verify) });
      times.push(performance.now() - t0);
      if (run.code !== 0) throw new Error(`deploy-env failed: ${run.errors.join('\n')}`);
    }
    deploy[verify] = median(times);
  }
  rows.push(['deploy-env gitops, no verification', ms(deploy[false]), '']);
  rows.push([
    'deploy-env gitops, verify-signature: keyless',
    ms(deploy[true]),
    `+${ms(deploy[true] - deploy[false])}, +${Math.round(((deploy[true] - deploy[false]) / deploy[false]) * 100)}% (goal ≤ 20%)`,
  ]);
} finally {
  repo.cleanup();
  await Promise.all([registry.stop(), sigstore.close()]);
  rmSync(dir, { recursive: true, force: true });
}
const widths = [0, 1, 2].map((c) => Math.max(...[['case', 'median', ''], ...rows].map((r) => r[c].length)));
const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
console.log(`median of ${RUNS} runs, Node ${process.version}`);
console.log(line(['case', 'median', '']));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const r of rows) console.log(line(r));
