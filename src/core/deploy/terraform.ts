/**
 * terraform strategy: `init`, `plan -out` with the image as `-var <name>=<image>`, then `apply`
 * of exactly that plan (or stop after the plan with `apply: false`). Terraform runs with an argv
 * array and TF_IN_AUTOMATION; the plan text goes into the job summary.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { StepError } from '../errors.js';
import { excerpt } from '../markdown.js';
import { CommandNotFound, type ProcessResult, runProcess } from '../process.js';
import type { DeployContext, DeployResult, RollbackResult, StopResult } from './types.js';

export interface TerraformOptions {
  workingDirectory: string;
  varName: string;
  varFile?: string;
  apply: boolean;
  /** Workspace (`{environment}` replaced): selected, or created when missing (a preview environment's). */
  workspace?: string;
  /** Path of the terraform binary (default `terraform` on PATH). */
  binary?: string;
}

function terraform(options: TerraformOptions, ctx: DeployContext, args: string[]): Promise<ProcessResult> {
  const binary = options.binary ?? 'terraform';
  return runProcess([binary, ...args], {
    cwd: resolve(options.workingDirectory),
    env: { ...ctx.env, TF_IN_AUTOMATION: '1', TF_INPUT: '0' },
  }).catch((err: unknown) => {
    if (err instanceof CommandNotFound) {
      throw new StepError(
        `terraform is not installed (${binary} not found on PATH): the stagecraft job image does not ship it; run the job in an image that adds it (GitLab: the \`job-image\` input, e.g. an image FROM the stagecraft image with COPY --from=hashicorp/terraform:1.11 /bin/terraform /usr/local/bin/terraform; GitHub: hashicorp/setup-terraform)`,
      );
    }
    throw err;
  });
}

async function must(options: TerraformOptions, ctx: DeployContext, args: string[]): Promise<string> {
  const run = await terraform(options, ctx, args);
  if (run.code !== 0) {
    throw new StepError(
      `terraform ${args[0]} failed in ${options.workingDirectory} (exit ${run.code}): ${excerpt(run.stderr || run.stdout, 2000)}`,
    );
  }
  return run.stdout;
}

/** The image before this deploy: an output named like the variable, when the module has one. */
async function currentImage(options: TerraformOptions, ctx: DeployContext): Promise<string | undefined> {
  const run = await terraform(options, ctx, ['output', '-no-color', '-json']);
  if (run.code !== 0) return undefined;
  try {
    const outputs = JSON.parse(run.stdout) as Record<string, { value?: unknown }>;
    const value = outputs[options.varName]?.value;
    return typeof value === 'string' && value ? value : undefined;
  } catch {
    return undefined;
  }
}

function checkDirectory(options: TerraformOptions) {
  if (!existsSync(resolve(options.workingDirectory))) {
    throw new StepError(`working-directory ${options.workingDirectory} does not exist`);
  }
  if (options.varFile && !existsSync(resolve(options.workingDirectory, options.varFile))) {
    throw new StepError(
      `var-file ${options.varFile} does not exist (relative to ${options.workingDirectory})`,
    );
  }
}

interface Applied {
  changed: boolean;
  plan: string;
  applied: boolean;
}

async function init(options: TerraformOptions, ctx: DeployContext): Promise<void> {
  await ctx.log.group('terraform init', async () => {
    ctx.log.info(await must(options, ctx, ['init', '-input=false', '-no-color']));
  });
  if (options.workspace) {
    const created = !(await workspaces(options, ctx)).includes(options.workspace);
    await must(options, ctx, ['workspace', 'select', '-or-create=true', '-no-color', options.workspace]);
    ctx.log.info(`terraform workspace ${options.workspace}${created ? ' created' : ''} selected`);
  }
}

async function workspaces(options: TerraformOptions, ctx: DeployContext): Promise<string[]> {
  const out = await must(options, ctx, ['workspace', 'list', '-no-color']);
  return out
    .split('\n')
    .map((l) => l.replace(/^\*/, '').trim())
    .filter(Boolean);
}

async function planAndApply(options: TerraformOptions, image: string, ctx: DeployContext): Promise<Applied> {
  const planFile = join(mkdtempSync(join(ctx.tempDir, 'tf-')), 'stagecraft.tfplan');
  const args = [
    'plan',
    '-input=false',
    '-no-color',
    '-detailed-exitcode',
    `-out=${planFile}`,
    '-var',
    `${options.varName}=${image}`,
  ];
  if (options.varFile) args.push(`-var-file=${options.varFile}`);
  const plan = await terraform(options, ctx, args);
  // -detailed-exitcode: 0 no changes, 2 changes, 1 error.
  if (plan.code === 1 || (plan.code !== 0 && plan.code !== 2)) {
    throw new StepError(
      `terraform plan failed in ${options.workingDirectory}: ${excerpt(plan.stderr || plan.stdout, 2000)}`,
    );
  }
  ctx.log.info(plan.stdout);
  const changed = plan.code === 2;
  if (!changed || !options.apply || ctx.dryRun) return { changed, plan: plan.stdout, applied: false };
  await ctx.log.group('terraform apply', async () => {
    ctx.log.info(await must(options, ctx, ['apply', '-input=false', '-no-color', '-auto-approve', planFile]));
  });
  return { changed, plan: plan.stdout, applied: true };
}

/** The plan's resource lines and its "Plan:" total, short enough for a summary. */
function planSummary(plan: string): string[] {
  const lines = plan.split('\n');
  const start = lines.findIndex((l) => /Terraform will perform|No changes\./.test(l));
  const body = (start >= 0 ? lines.slice(start) : lines).join('\n').trim();
  const cut = body.length > 6000 ? `${body.slice(0, 6000)}\n… (plan truncated; see the log)` : body;
  return ['<details><summary>terraform plan</summary>', '', '```', cut, '```', '', '</details>'];
}

export async function deployTerraform(
  options: TerraformOptions & { image: string },
  ctx: DeployContext,
): Promise<DeployResult> {
  checkDirectory(options);
  await init(options, ctx);
  const previous = await currentImage(options, ctx);
  const run = await planAndApply(options, options.image, ctx);
  const state = run.applied
    ? 'applied'
    : !run.changed
      ? 'no changes'
      : options.apply && !ctx.dryRun
        ? ''
        : 'planned only (not applied)';
  ctx.log.info(`terraform: ${state}`);
  return {
    image: options.image,
    ...(previous ? { previousImage: previous } : {}),
    changed: run.applied,
    extraOutputs: {},
    summary: [
      `Terraform in \`${options.workingDirectory}\`: ${state}, \`-var ${options.varName}=${options.image}\`.`,
      '',
      ...planSummary(run.plan),
    ],
  };
}

/** Terraform keeps no history of variable values, so a rollback needs `to`. */
export async function rollbackTerraform(
  options: TerraformOptions & { to?: string },
  ctx: DeployContext,
): Promise<RollbackResult> {
  if (!options.to) {
    throw new StepError(
      'terraform keeps no history of deployed images: give `to` (the image to return to); nothing changed',
    );
  }
  checkDirectory(options);
  await init(options, ctx);
  const from = (await currentImage(options, ctx)) ?? '';
  const run = await planAndApply(options, options.to, ctx);
  return {
    from,
    to: options.to,
    revision: '',
    summary: [
      `Terraform ${run.applied ? 'applied' : 'planned'} \`-var ${options.varName}=${options.to}\`.`,
      '',
      ...planSummary(run.plan),
    ],
  };
}

/**
 * stop-env: `terraform destroy` in the environment's workspace, then the workspace is deleted.
 * The image variable gets the image the workspace last applied (destroy needs every variable).
 */
export async function stopTerraform(options: TerraformOptions, ctx: DeployContext): Promise<StopResult> {
  checkDirectory(options);
  const workspace = options.workspace;
  if (!workspace || workspace === 'default') {
    throw new StepError(
      "stop-env with terraform needs `workspace` naming the environment's own workspace (e.g. `{environment}`): it destroys that workspace and deletes it",
    );
  }
  await ctx.log.group('terraform init', async () => {
    ctx.log.info(await must(options, ctx, ['init', '-input=false', '-no-color']));
  });
  if (!(await workspaces(options, ctx)).includes(workspace)) return { stopped: false, summary: [] };
  if (ctx.dryRun) {
    ctx.log.info(`Would destroy terraform workspace ${workspace} and delete it`);
    return { stopped: true, summary: [`Would destroy and delete terraform workspace \`${workspace}\`.`] };
  }
  await must(options, ctx, ['workspace', 'select', '-no-color', workspace]);
  const image = (await currentImage(options, ctx)) ?? 'stopped';
  const args = [
    'destroy',
    '-input=false',
    '-no-color',
    '-auto-approve',
    '-var',
    `${options.varName}=${image}`,
  ];
  if (options.varFile) args.push(`-var-file=${options.varFile}`);
  await ctx.log.group(`terraform destroy (workspace ${workspace})`, async () => {
    ctx.log.info(await must(options, ctx, args));
  });
  await must(options, ctx, ['workspace', 'select', '-no-color', 'default']);
  await must(options, ctx, ['workspace', 'delete', '-no-color', workspace]);
  ctx.log.info(`terraform workspace ${workspace} destroyed and deleted`);
  return { stopped: true, summary: [`Terraform workspace \`${workspace}\` destroyed and deleted.`] };
}
