/**
 * Preview environments in a config repository: deploy-env copies `template` (a directory) to the
 * environment's directory (the directory of `file`) when that does not exist yet, in the same
 * commit as the image change; stop-env removes that directory in one commit, which Argo CD
 * ApplicationSets and Flux then prune.
 */
import { posix } from 'node:path';
import { InputError, StepError } from '../../errors.js';
import type { DeployContext, StopResult } from '../types.js';
import { type FileChange, type Head, writeChangeSet } from './changes.js';
import { type GitopsTarget, openWriter, runLine } from './target.js';

function listing(head: Head, what: string): NonNullable<Head['list']> {
  if (!head.list) {
    throw new InputError('via', 'api', `\`via: git\` for ${what} (the API writer cannot list a directory)`);
  }
  return head.list.bind(head);
}

/**
 * The template's files placed in `dir` when `dir` has no file at `head`, and a head that reads
 * them as if committed (so the image edit applies to the copied file); nothing when `dir` exists.
 */
export async function seedFromTemplate(
  head: Head,
  template: string,
  dir: string,
): Promise<{ head: Head; changes: FileChange[] }> {
  const list = listing(head, '`template`');
  if ((await list(dir)).length > 0) return { head, changes: [] };
  const files = await list(template);
  if (files.length === 0) {
    throw new InputError('template', template, 'a directory of the config repository that holds files');
  }
  const changes = await Promise.all(
    files.map(async (file) => ({
      path: posix.join(dir, posix.relative(template, file)),
      content: await head.read(file),
    })),
  );
  const seeded = new Map(changes.map((c) => [c.path, c.content]));
  const overlay: Head = {
    ...head,
    read: async (path) => seeded.get(posix.normalize(path)) ?? head.read(path),
    readIfExists: async (path) => seeded.get(posix.normalize(path)) ?? head.readIfExists(path),
    history: head.history.bind(head),
  };
  return { head: overlay, changes };
}

/** The directory of an environment's file; it must be the environment's own (its name in the path). */
export function environmentDir(file: string, environment: string): string {
  const dir = posix.dirname(posix.normalize(file));
  if (dir === '.' || !dir.split('/').some((part) => part.includes(environment))) {
    throw new InputError(
      'file',
      file,
      'a file in a directory of its environment (e.g. `deploy/{environment}/values.yaml`): stop-env removes that directory',
    );
  }
  return dir;
}

export async function stopGitops(
  options: GitopsTarget & { file: string; message?: string },
  ctx: DeployContext,
): Promise<StopResult> {
  const dir = environmentDir(options.file, ctx.environment);
  const writer = await openWriter(options, ctx, false);
  try {
    const written = await writeChangeSet(
      writer,
      async (head) => {
        const files = await listing(head, 'stop-env')(dir);
        const message = [
          (options.message ?? 'stop({environment}): remove {dir}')
            .replaceAll('{environment}', ctx.environment)
            .replaceAll('{dir}', dir),
          '',
          `Removed ${dir} (${files.length} file${files.length === 1 ? '' : 's'}).`,
          ...runLine(ctx).map((l) => l.replace(/^Deployed/, 'Stopped')),
          '',
          `Stagecraft-Environment: ${ctx.environment}`,
        ].join('\n');
        return {
          ...(files.length
            ? { set: { changes: files.map((path) => ({ path, content: '', deleted: true })), message } }
            : {}),
          result: files.length,
        };
      },
      ctx,
      options,
    );
    if (!written.changed) return { stopped: false, summary: [] };
    if (written.result === 0) throw new StepError(`Nothing under ${dir} to remove`);
    const what = `\`${dir}\` (${written.result} files) from \`${writer.branch}\` of \`${writer.where}\``;
    return {
      stopped: true,
      summary: [
        ctx.dryRun ? `Would remove ${what}.` : `Removed ${what} in commit \`${written.sha.slice(0, 12)}\`.`,
      ],
    };
  } finally {
    await writer.close();
  }
}
