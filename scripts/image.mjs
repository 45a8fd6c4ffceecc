#!/usr/bin/env node
// `npm run image`: builds the job image (docker/Dockerfile) into the Docker engine DOCKER_HOST names
// (it starts none) and tags it exactly as the components' default `job-image` names it for this
// version (package.json `config.image` + `:` + version). Run `npm run build` first (it copies dist/cli).
//
// No image is pulled, so every ingredient is made on this machine and passed as a build argument:
//   BASE_IMAGE     Debian bookworm (minbase + ca-certificates, git, buildah, rsync) made by
//                  debootstrap from the machine's Debian mirror; the rootfs tarball is cached in
//                  .tools/image/ (made once per machine) and `docker import`ed when the engine lacks it.
//   NODE_IMAGE     this Node binary (STAGECRAFT_IMAGE_NODE, else the node running this script).
//   KUBECTL_IMAGE  this machine's kubectl (STAGECRAFT_IMAGE_KUBECTL, else the one on PATH; Google
//                  Cloud SDK's dispatcher is resolved to the newest real kubectl beside it).
// Options: --print-tag (print the tag, build nothing), --tag <ref> (repeatable: more tags, e.g. your
// own registry's), --push (push the --tag refs, else the default tag, with `docker push`).
// buildx: the CLI's own plugin, else the one scripts/setup.sh put in .tools/docker/cli-plugins (found
// by itself: no DOCKER_CONFIG needed; your docker config and its credentials are still used).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
export const IMAGE_TAG = `${pkg.config.image}:${pkg.version}`;
/** Debian packages of the base, on top of debootstrap's minbase (bash, coreutils, dpkg, apt). */
// netavark: buildah's containers-common depends on the virtual container-network-stack, which
// debootstrap cannot resolve by itself (it names no provider).
const BASE_PACKAGES = ['ca-certificates', 'git', 'buildah', 'netavark', 'rsync'];

const log = (msg) => process.stderr.write(`image: ${msg}\n`);

function run(cmd, args, options = {}) {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], ...options });
}
const docker = (args, options) => run('docker', args, options);
const hasImage = (ref) => {
  try {
    docker(['image', 'inspect', '--format', '{{.Id}}', ref], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/** The machine's Debian mirror, from its apt sources (one-line or deb822 format). */
function debianMirror() {
  const files = ['/etc/apt/sources.list'];
  if (existsSync('/etc/apt/sources.list.d'))
    files.push(...readdirSync('/etc/apt/sources.list.d').map((f) => join('/etc/apt/sources.list.d', f)));
  for (const file of files) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const words = line.trim().split(/\s+/);
      const urls = words[0] === 'deb' ? words.slice(1) : words[0] === 'URIs:' ? words.slice(1) : [];
      const url = urls.find((w) => /^https?:\/\//.test(w) && !/security/.test(w) && /debian/.test(w));
      if (url) return url;
    }
  }
  throw new Error('no Debian mirror found in /etc/apt/sources.list(.d)');
}

function which(name) {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** The rootfs tarball of the base (cached under .tools/image), made by debootstrap when absent. */
function baseTarball() {
  const key = baseKey();
  const cache = join(ROOT, '.tools/image');
  const tarball = join(cache, `bookworm-${key}.tar`);
  if (existsSync(tarball)) return { tarball, key };
  const debootstrap = which('debootstrap') ?? ['/usr/sbin/debootstrap', '/sbin/debootstrap'].find(existsSync);
  if (!debootstrap) throw new Error('debootstrap is not installed: run scripts/setup.sh');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, 'rootfs-'));
  try {
    const mirror = debianMirror();
    log(
      `debootstrap bookworm (${BASE_PACKAGES.join(', ')}) from ${mirror}: made once, cached in .tools/image`,
    );
    run(debootstrap, ['--variant=minbase', `--include=${BASE_PACKAGES.join(',')}`, 'bookworm', dir, mirror], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    packRootfs(dir, tarball);
  } finally {
    // debootstrap mounts /proc and /sys inside; a failed run may leave them mounted.
    for (const m of ['proc', 'sys']) {
      try {
        run('umount', ['-l', join(dir, m)], { stdio: 'ignore' });
      } catch {
        // not mounted
      }
    }
    rmSync(dir, { recursive: true, force: true });
  }
  return { tarball, key };
}

/** Trims a debootstrapped rootfs (no apt lists or cache, docs, man pages, locales) into `tarball`. */
export function packRootfs(dir, tarball) {
  for (const p of [
    'var/lib/apt/lists',
    'var/cache/apt',
    'usr/share/doc',
    'usr/share/man',
    'usr/share/info',
    'usr/share/locale',
    'var/log',
  ]) {
    rmSync(join(dir, p), { recursive: true, force: true });
    mkdirSync(join(dir, p), { recursive: true });
  }
  const partial = `${tarball}.partial`;
  run('tar', ['--numeric-owner', '-C', dir, '-cf', partial, '.']);
  renameSync(partial, tarball);
}

export function baseKey() {
  return createHash('sha256')
    .update(`bookworm minbase ${BASE_PACKAGES.join(',')} v1`)
    .digest('hex')
    .slice(0, 12);
}

/** Imports a tarball as `ref` unless the engine already has it. */
function importImage(ref, tarball, changes = []) {
  if (hasImage(ref)) return;
  docker(['import', ...changes.flatMap((c) => ['--change', c]), tarball, ref], { stdio: 'ignore' });
}

/** A one-file image: `file` at `path` (tar made from a temp dir). */
function fileImage(ref, file, path) {
  if (hasImage(ref)) return;
  const dir = mkdtempSync(join(tmpdir(), 'stagecraft-image-'));
  try {
    mkdirSync(join(dir, 'root', dirname(path)), { recursive: true });
    copyFileSync(file, join(dir, 'root', path));
    run('chmod', ['0755', join(dir, 'root', path)]);
    run('tar', [
      '--numeric-owner',
      '--owner=0',
      '--group=0',
      '-C',
      join(dir, 'root'),
      '-cf',
      join(dir, 'img.tar'),
      '.',
    ]);
    importImage(ref, join(dir, 'img.tar'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A real kubectl binary: STAGECRAFT_IMAGE_KUBECTL, else PATH's (a gcloud dispatcher → newest kubectl.1.N). */
function kubectlBinary() {
  const given = process.env.STAGECRAFT_IMAGE_KUBECTL;
  if (given) return given;
  const found = which('kubectl');
  if (!found) throw new Error('no kubectl on PATH: run scripts/setup.sh or set STAGECRAFT_IMAGE_KUBECTL');
  const real = realpathSync(found);
  const versions = readdirSync(dirname(real))
    .map((f) => /^kubectl\.1\.(\d+)$/.exec(f))
    .filter(Boolean)
    .sort((a, b) => Number(b[1]) - Number(a[1]));
  return versions.length ? join(dirname(real), versions[0][0]) : real;
}

function fileKey(file) {
  return createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 12);
}

/** Parses the options; one clear error for anything else. */
export function parseArgs(argv) {
  const options = { printTag: false, push: false, tags: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--print-tag') options.printTag = true;
    else if (arg === '--push') options.push = true;
    else if (arg === '--tag' || arg.startsWith('--tag=')) {
      const ref = arg === '--tag' ? argv[++i] : arg.slice(6);
      if (!ref || ref.startsWith('-'))
        throw new Error(
          '--tag needs an image reference, e.g. --tag registry.example.com/ci/stagecraft:0.1.0',
        );
      options.tags.push(ref);
    } else
      throw new Error(
        `unknown option ${JSON.stringify(arg)}: use --tag <ref> (repeatable), --push, --print-tag`,
      );
  }
  return options;
}

/**
 * The environment that gives the docker CLI a working buildx: its own when it has one; else a
 * temporary config directory with .tools' plugin and a link to the user's config.json (so
 * credentials for --push still apply). Undefined when neither works (the classic builder runs).
 */
function buildxEnv(tempDir) {
  const works = (env) => {
    try {
      docker(['buildx', 'version'], { stdio: 'ignore', env });
      return true;
    } catch {
      return false;
    }
  };
  if (works(process.env)) return process.env;
  const plugin = join(ROOT, '.tools/docker/cli-plugins/docker-buildx');
  if (!existsSync(plugin)) return undefined;
  const config = join(tempDir, 'docker-config');
  mkdirSync(join(config, 'cli-plugins'), { recursive: true });
  symlinkSync(plugin, join(config, 'cli-plugins/docker-buildx'));
  const userConfig = join(process.env.DOCKER_CONFIG || join(homedir(), '.docker'), 'config.json');
  if (existsSync(userConfig)) symlinkSync(userConfig, join(config, 'config.json'));
  const env = { ...process.env, DOCKER_CONFIG: config };
  return works(env) ? env : undefined;
}

function main() {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (err) {
    log(err.message);
    process.exit(2);
  }
  if (options.printTag) {
    console.log(IMAGE_TAG);
    return;
  }
  if (!existsSync(join(ROOT, 'dist/cli/index.js'))) throw new Error('no dist/cli: run `npm run build` first');
  const started = Date.now();
  const { tarball, key } = baseTarball();
  const base = `stagecraft-base:bookworm-${key}`;
  importImage(base, tarball, [
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    'CMD ["/bin/bash"]',
  ]);
  const node = process.env.STAGECRAFT_IMAGE_NODE ?? process.execPath;
  const nodeImage = `stagecraft-node:${fileKey(node)}`;
  fileImage(nodeImage, node, 'usr/local/bin/node');
  const kubectl = kubectlBinary();
  const kubectlImage = `stagecraft-kubectl:${fileKey(kubectl)}`;
  fileImage(kubectlImage, kubectl, 'bin/kubectl');
  // Helm 4 (Helm 3 gets no more fixes after 2026-11), as scripts/setup.sh unpacked it into .tools.
  const helm = process.env.STAGECRAFT_IMAGE_HELM ?? join(ROOT, '.tools/helm4/helm');
  if (!existsSync(helm))
    throw new Error(`no helm at ${helm}: run scripts/setup.sh or set STAGECRAFT_IMAGE_HELM`);
  const helmImage = `stagecraft-helm:${fileKey(helm)}`;
  fileImage(helmImage, helm, 'usr/local/bin/helm');
  let revision = 'unknown';
  try {
    revision = run('git', ['rev-parse', 'HEAD'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    // not a git checkout
  }
  // RUN steps use the host's network namespace: the engine may have no bridge (and they fetch nothing).
  const args = ['build', '--network', 'host', '-f', join(ROOT, 'docker/Dockerfile'), '-t', IMAGE_TAG];
  for (const t of options.tags) args.push('-t', t);
  for (const [k, v] of Object.entries({
    BASE_IMAGE: base,
    NODE_IMAGE: nodeImage,
    KUBECTL_IMAGE: kubectlImage,
    HELM_IMAGE: helmImage,
    VERSION: pkg.version,
    REVISION: revision,
  }))
    args.push('--build-arg', `${k}=${v}`);
  const temp = mkdtempSync(join(tmpdir(), 'stagecraft-image-'));
  try {
    // buildx (docker driver) loads into the engine's image store; without it, the classic builder.
    const env = buildxEnv(temp);
    const cmd = env ? ['buildx', ...args, '--load', '--progress', 'plain', ROOT] : [...args, ROOT];
    docker(cmd, {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: env ? { ...env, DOCKER_BUILDKIT: '1' } : { ...process.env, DOCKER_BUILDKIT: '0' },
    });
    log(
      `built ${IMAGE_TAG} in ${((Date.now() - started) / 1000).toFixed(1)}s${env ? '' : ' (classic builder: no buildx found)'}`,
    );
    if (options.push) {
      for (const ref of options.tags.length ? options.tags : [IMAGE_TAG]) {
        docker(['push', ref], { stdio: ['ignore', 'ignore', 'inherit'], env: env ?? process.env });
        log(`pushed ${ref}`);
      }
    }
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
  console.log(IMAGE_TAG);
  for (const t of options.tags) console.log(t);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  try {
    main();
  } catch (err) {
    log(err.message);
    process.exit(1);
  }
}
