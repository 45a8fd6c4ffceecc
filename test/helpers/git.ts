/**
 * Real git remotes for tests: bare repositories reached over file:// and over smart HTTP
 * (`git http-backend`, the CGI git ships, behind a small Node server on 127.0.0.1 that demands
 * a token). Each helper cleans up after itself.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'seed',
  GIT_AUTHOR_EMAIL: 'seed@example.com',
  GIT_COMMITTER_NAME: 'seed',
  GIT_COMMITTER_EMAIL: 'seed@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    env: GIT_ENV,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Commits what is staged in `cwd` (or nothing), authored and committed at `epoch` (seconds); returns the sha. */
export function commitAt(cwd: string, epoch: number, message: string): string {
  execFileSync('git', ['commit', '-q', '--allow-empty', '-m', message], {
    cwd,
    env: { ...GIT_ENV, GIT_COMMITTER_DATE: `@${epoch} +0000`, GIT_AUTHOR_DATE: `@${epoch} +0000` },
    stdio: 'ignore',
  });
  return git(cwd, 'rev-parse', 'HEAD').trim();
}

export interface BareRepo {
  /** Directory holding the bare repository and scratch space. */
  root: string;
  /** Path of the bare repository (`…/name.git`). */
  path: string;
  /** file:// URL of it. */
  url: string;
  branch: string;
  /** A file's text at the tip of `branch` (or another ref). */
  read(file: string, ref?: string): string;
  /** Commit subjects, newest first. */
  subjects(ref?: string): string[];
  head(ref?: string): string;
  /** Commits more files on top (a human editing the config repository). */
  commit(files: Record<string, string>, message: string): string;
  cleanup(): void;
}

export interface RepoOptions {
  branch?: string;
  name?: string;
  /** Symlinks to create in the work tree: path → target. */
  symlinks?: Record<string, string>;
}

/** A bare repository whose `branch` holds `files` in one commit. */
export function createBareRepo(files: Record<string, string>, options: RepoOptions = {}): BareRepo {
  const branch = options.branch ?? 'main';
  const root = mkdtempSync(join(tmpdir(), 'gitrepo-'));
  const path = join(root, `${options.name ?? 'config'}.git`);
  git(root, 'init', '--quiet', '--bare', '--initial-branch', branch, path);
  const work = join(root, 'seed');
  git(root, 'clone', '--quiet', path, work);
  git(work, 'checkout', '--quiet', '-b', branch);
  const write = (entries: Record<string, string>) => {
    for (const [file, text] of Object.entries(entries)) {
      mkdirSync(dirname(join(work, file)), { recursive: true });
      writeFileSync(join(work, file), text);
    }
  };
  write(files);
  for (const [link, target] of Object.entries(options.symlinks ?? {})) {
    mkdirSync(dirname(join(work, link)), { recursive: true });
    symlinkSync(target, join(work, link));
  }
  git(work, 'add', '-A');
  git(work, 'commit', '--quiet', '-m', 'seed config');
  git(work, 'push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`);
  const repo: BareRepo = {
    root,
    path,
    url: pathToFileURL(path).href,
    branch,
    read: (file, ref = branch) => git(path, 'show', `${ref}:${file}`),
    subjects: (ref = branch) => git(path, 'log', '--format=%s', ref).split('\n').filter(Boolean),
    head: (ref = branch) => git(path, 'rev-parse', ref).trim(),
    commit(entries, message) {
      git(work, 'pull', '--quiet', '--ff-only', 'origin', branch);
      write(entries);
      git(work, 'add', '-A');
      git(work, 'commit', '--quiet', '-m', message);
      git(work, 'push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`);
      return repo.head();
    },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
  return repo;
}

export interface GitHttpServer {
  /** Base URL; a repository `<root>/x.git` is at `${url}/x.git`. */
  url: string;
  /** Every request's Authorization header (undefined when absent) and path, in order. */
  requests: { path: string; authorization: string | undefined }[];
  close(): Promise<void>;
}

/** Accepts `Authorization: Basic base64(any-user:token)` or `Bearer token`. */
function authorized(req: IncomingMessage, token: string): boolean {
  const header = req.headers.authorization ?? '';
  if (header === `Bearer ${token}`) return true;
  if (!header.startsWith('Basic ')) return false;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  return decoded.slice(decoded.indexOf(':') + 1) === token;
}

/**
 * Serves every bare repository under `projectRoot` over smart HTTP with `git http-backend`.
 * Without the token: 401 with a Basic challenge, as GitHub and GitLab answer.
 */
export async function startGitHttpServer(projectRoot: string, token: string): Promise<GitHttpServer> {
  const requests: GitHttpServer['requests'] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push({ path: url.pathname, authorization: req.headers.authorization });
    if (!authorized(req, token)) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="git"' });
      res.end('authentication required\n');
      return;
    }
    const cgi = spawn('git', ['http-backend'], {
      env: {
        PATH: process.env.PATH ?? '',
        GIT_PROJECT_ROOT: projectRoot,
        GIT_HTTP_EXPORT_ALL: '1',
        GIT_CONFIG_NOSYSTEM: '1',
        REQUEST_METHOD: req.method ?? 'GET',
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        REMOTE_USER: 'deployer',
        REMOTE_ADDR: '127.0.0.1',
        ...(req.headers['content-encoding']
          ? { HTTP_CONTENT_ENCODING: req.headers['content-encoding'] }
          : {}),
        ...(req.headers['git-protocol'] ? { GIT_PROTOCOL: String(req.headers['git-protocol']) } : {}),
      },
    });
    req.pipe(cgi.stdin);
    let head = Buffer.alloc(0);
    let headersDone = false;
    cgi.stdout.on('data', (chunk: Buffer) => {
      if (headersDone) return void res.write(chunk);
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      headersDone = true;
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
        const colon = line.indexOf(':');
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
        else headers[name] = value;
      }
      res.writeHead(status, headers);
      res.write(head.subarray(end + 4));
    });
    cgi.on('close', () => {
      if (!headersDone) res.writeHead(500);
      res.end();
    });
    cgi.stderr.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
