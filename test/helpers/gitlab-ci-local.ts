/**
 * Runs real GitLab pipelines with gitlab-ci-local (shell executor) against the components of this
 * working tree: a temp git project holds the catalog layout (templates/<component>/template.yml,
 * assembled by scripts/catalog.ts), dist/cli and the test's files, with an `origin` remote whose
 * path matches the `component:` lines, so `include: component:` resolves locally.
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { dockerEnv } from './docker.js';
import { nodeBinary, ROOT } from './runner.js';

/** What a pipeline writes to `include: - component:` to use a component of the test project. */
export const COMPONENT_HOST = 'gitlab.example.com/group/stagecraft';
export const component = (name: string) => `${COMPONENT_HOST}/${name}@$CI_COMMIT_SHA`;
/** The `cli` input that runs the bundle committed into the test project. */
export const CLI = 'node dist/cli/index.js';

const GCL = join(ROOT, 'node_modules/gitlab-ci-local/dist/index.js');

export interface Project {
  dir: string;
  git(...args: string[]): string;
  /** Writes files (path → content) and commits them. */
  commit(files: Record<string, string>, message?: string): void;
  remove(): void;
}

export function createProject(files: Record<string, string>, branch = 'main'): Project {
  const dir = mkdtempSync(join(tmpdir(), 'stagecraft-gcl-'));
  execFileSync(nodeBinary(), [join(ROOT, 'scripts/run-ts.mjs'), join(ROOT, 'scripts/catalog.ts'), dir], {
    stdio: 'ignore',
  });
  cpSync(join(ROOT, 'dist/cli'), join(dir, 'dist/cli'), { recursive: true });
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=ci', ...args], {
      cwd: dir,
      encoding: 'utf8',
    });
  const write = (more: Record<string, string>) => {
    for (const [path, content] of Object.entries(more)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
  };
  git('init', '-q', '-b', branch);
  git('remote', 'add', 'origin', `git@${COMPONENT_HOST.replace('/', ':')}.git`);
  write(files);
  const commit = (more: Record<string, string>, message = 'change') => {
    write(more);
    git('add', '-A');
    git('commit', '-q', '--allow-empty', '-m', message);
    // gitlab-ci-local asks origin/HEAD for the default branch.
    git('update-ref', `refs/remotes/origin/${branch}`, 'HEAD');
    git('symbolic-ref', 'refs/remotes/origin/HEAD', `refs/remotes/origin/${branch}`);
  };
  commit({}, 'init');
  return { dir, git, commit, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface PipelineRun {
  code: number;
  /** Combined output, colours off. */
  output: string;
  /** The lines a job printed (`<job> > …`), without the prefix. */
  jobLines(job: string): string[];
  /** The dotenv report a job left, as key → value. */
  dotenv(job: string): Record<string, string>;
  /** The `stagecraft-summary.md` artifact a job left, if any. */
  summary(job: string): string | undefined;
}

export interface PipelineOptions {
  variables?: Record<string, string>;
  unset?: string[];
  /** Manual jobs to run. */
  manual?: string[];
  jobs?: string[];
  env?: Record<string, string>;
  /** Kills the pipeline (and its jobs) after this long; the run then reports code -1. */
  timeoutMs?: number;
  /**
   * Runs the jobs in real containers (gitlab-ci-local's docker executor) on the jest run's Docker
   * engine, with host networking so they reach the loopback fakes: `helperImage` needs bash and
   * rsync (the job image has both); `volumes` are `host:container[:ro]` mounts (e.g. a kubeconfig).
   * Job containers get SYS_ADMIN and no seccomp filter, as on a runner set up for buildah
   * (test/helpers/docker-runner.sh).
   */
  docker?: { helperImage: string; volumes?: string[] };
}

export async function runPipeline(project: Project, options: PipelineOptions = {}): Promise<PipelineRun> {
  const args = [GCL, '--no-color'];
  if (options.docker) {
    args.push('--helper-image', options.docker.helperImage, '--pull-policy', 'if-not-present');
    args.push('--network', 'host', '--container-executable', join(ROOT, 'test/helpers/docker-runner.sh'));
    for (const v of options.docker.volumes ?? []) args.push('--volume', v);
  } else {
    args.push('--force-shell-executor');
  }
  for (const [k, v] of Object.entries(options.variables ?? {})) args.push('--variable', `${k}=${v}`);
  for (const name of options.unset ?? []) args.push('--unset-variable', name);
  for (const job of options.manual ?? []) args.push('--manual', job);
  args.push(...(options.jobs ?? []));
  const child = spawn(nodeBinary(), args, {
    cwd: project.dir,
    detached: true,
    env: {
      PATH: `${dirname(nodeBinary())}:${process.env.PATH ?? ''}`,
      HOME: process.env.HOME ?? '/tmp',
      ...(options.docker ? dockerEnv() : {}),
      ...options.env,
    },
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  // The jobs are the pipeline's children: end the whole process group on timeout.
  const timer = setTimeout(() => {
    output += `\n[killed after ${options.timeoutMs ?? 120_000} ms]\n`;
    if (child.pid) process.kill(-child.pid, 'SIGKILL');
  }, options.timeoutMs ?? 120_000);
  const code: number = await new Promise((res) => child.on('close', (c) => res(c ?? -1)));
  clearTimeout(timer);
  return {
    code,
    output,
    jobLines: (job) =>
      output
        .split('\n')
        .map((l) => new RegExp(`^${job.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s+> ?(.*)$`).exec(l)?.[1])
        .filter((l): l is string => l !== undefined),
    dotenv: (job) => {
      const file = join(
        project.dir,
        '.gitlab-ci-local/artifacts',
        job,
        '.gitlab-ci-reports/dotenv/stagecraft.env',
      );
      if (!existsSync(file)) return {};
      return Object.fromEntries(
        readFileSync(file, 'utf8')
          .split('\n')
          .filter((l) => l.includes('='))
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      );
    },
    summary: (job) => {
      const file = join(project.dir, '.gitlab-ci-local/artifacts', job, 'stagecraft-summary.md');
      return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    },
  };
}
