/**
 * git, run with argv arrays (never a shell). A token for an HTTPS remote travels in an
 * `http.<origin>.extraHeader` set through GIT_CONFIG_* variables: not in the URL, not in argv
 * (visible in `ps`), not in .git/config, and git never prints it.
 */
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { StepError } from '../../errors.js';
import { type ProcessResult, runProcess } from '../../process.js';

export interface GitAuth {
  token: string;
  /** User name paired with the token in basic auth (`x-access-token`, `gitlab-ci-token`). */
  user: string;
}

export type GitResult = ProcessResult;

/** Turns a plain path into a file:// URL so shallow clones work (git ignores --depth on local paths). */
export function remoteUrl(repository: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(repository)) return repository;
  // scp-like `git@host:group/repo.git`
  if (/^[^/\s]+@[^/\s]+:/.test(repository)) return repository;
  return pathToFileURL(isAbsolute(repository) ? repository : resolve(repository)).href;
}

/** The environment git runs with: no prompts, a fixed identity unless the caller set one, auth header. */
export function gitEnv(
  base: Record<string, string | undefined>,
  remote: string,
  auth?: GitAuth,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined) env[k] = v;
  env.GIT_TERMINAL_PROMPT = '0';
  env.GIT_AUTHOR_NAME ??= 'stagecraft';
  env.GIT_AUTHOR_EMAIL ??= 'stagecraft@users.noreply.github.com';
  env.GIT_COMMITTER_NAME ??= env.GIT_AUTHOR_NAME;
  env.GIT_COMMITTER_EMAIL ??= env.GIT_AUTHOR_EMAIL;
  const config: [string, string][] = [
    // Deployers must not be slowed down or stopped by a background gc in the temp clone.
    ['gc.auto', '0'],
    ['advice.detachedHead', 'false'],
  ];
  if (auth && /^https?:\/\//i.test(remote)) {
    const origin = new URL(remote).origin;
    const basic = Buffer.from(`${auth.user}:${auth.token}`).toString('base64');
    config.push([`http.${origin}/.extraHeader`, `Authorization: Basic ${basic}`]);
  }
  let count = Number(env.GIT_CONFIG_COUNT) || 0;
  for (const [key, value] of config) {
    env[`GIT_CONFIG_KEY_${count}`] = key;
    env[`GIT_CONFIG_VALUE_${count}`] = value;
    count++;
  }
  env.GIT_CONFIG_COUNT = String(count);
  return env;
}

export class Git {
  constructor(
    readonly cwd: string,
    private readonly env: Record<string, string>,
    private readonly secrets: string[] = [],
  ) {}

  /** Runs git; resolves with the result whatever the exit code. */
  exec(args: string[], cwd = this.cwd): Promise<GitResult> {
    return runProcess(['git', ...args], { cwd, env: this.env, secrets: this.secrets });
  }

  /** Runs git and throws a StepError with git's own message when it fails. */
  async run(args: string[], what: string, cwd = this.cwd): Promise<string> {
    const result = await this.exec(args, cwd);
    if (result.code !== 0) {
      throw new StepError(`${what} failed (git ${args[0]}, exit ${result.code}): ${result.stderr.trim()}`);
    }
    return result.stdout;
  }
}

/**
 * True when a push failed because the branch moved under us (another deployer pushed first):
 * the client saw a newer remote head, or the server lost the race to update the ref.
 */
export function isPushRace(stderr: string): boolean {
  return /\[rejected\]|non-fast-forward|fetch first|failed to update ref|cannot lock ref|stale info|incorrect old value/i.test(
    stderr,
  );
}

/** Connection-level failures worth another try (HTTP 5xx/429, resets), as git reports them. */
export function isTransient(stderr: string): boolean {
  return /The requested URL returned error: (5\d\d|429)|Connection reset|Connection refused|timed out|early EOF|unexpected disconnect|hung up|RPC failed|\.lock': File exists|shallow file has changed/i.test(
    stderr,
  );
}

/**
 * Failures another try will not fix: authentication, a missing repository or branch, bad
 * arguments. Everything else from clone/fetch (a ref moving mid-transfer, a killed connection)
 * is worth a bounded retry.
 */
export function isPermanent(stderr: string): boolean {
  return /Authentication failed|could not read (Username|Password)|returned error: (401|403|404)|not found|does not appear to be a git repository|does not exist|Permission denied|unknown option|usage: git/i.test(
    stderr,
  );
}
