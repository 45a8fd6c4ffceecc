/**
 * The fake's own PKI, made with the `openssl` CLI (Debian package `openssl`; Node cannot issue
 * X.509 certificates): a CA, a server certificate for 127.0.0.1/localhost, and client
 * certificates (CN = user, O = group) as a cluster's CA signs them. Made once per process, in a
 * temporary folder removed at exit.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface KeyPair {
  cert: string;
  key: string;
}

export interface Pki {
  dir: string;
  caFile: string;
  ca: string;
  server: KeyPair;
  /** Signed by the CA: CN=stagecraft-deployer, O=system:masters. */
  client: KeyPair;
  /** Signed by another CA: the server must refuse it. */
  stranger: KeyPair;
}

let cached: Pki | undefined;

function openssl(dir: string, args: string[]) {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

function issue(dir: string, name: string, subject: string, ca: string, ext: string): KeyPair {
  writeFileSync(join(dir, `${name}.ext`), ext);
  openssl(dir, [
    'req',
    '-new',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
    '-subj',
    subject,
  ]);
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.crt`,
    '-CAkey',
    `${ca}.key`,
    '-CAcreateserial',
    '-days',
    '3650',
    '-out',
    `${name}.crt`,
    '-extfile',
    `${name}.ext`,
  ]);
  return {
    cert: readFileSync(join(dir, `${name}.crt`), 'utf8'),
    key: readFileSync(join(dir, `${name}.key`), 'utf8'),
  };
}

function makeCa(dir: string, name: string, cn: string) {
  openssl(dir, [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.crt`,
    '-days',
    '3650',
    '-subj',
    `/CN=${cn}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign,digitalSignature',
  ]);
}

export function pki(): Pki {
  if (cached) return cached;
  const dir = mkdtempSync(join(tmpdir(), 'fake-kube-pki-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  makeCa(dir, 'ca', 'fake-kube-ca');
  makeCa(dir, 'other-ca', 'somebody-elses-ca');
  const server = issue(
    dir,
    'server',
    '/CN=kube-apiserver',
    'ca',
    'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc\n',
  );
  const clientExt =
    'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n';
  const client = issue(dir, 'client', '/O=system:masters/CN=stagecraft-deployer', 'ca', clientExt);
  const stranger = issue(dir, 'stranger', '/O=system:masters/CN=mallory', 'other-ca', clientExt);
  cached = {
    dir,
    caFile: join(dir, 'ca.crt'),
    ca: readFileSync(join(dir, 'ca.crt'), 'utf8'),
    server,
    client,
    stranger,
  };
  return cached;
}
