/** The terraform strategy's inputs, target and adapter (core: src/core/deploy/terraform.ts). */
import type { ParsedImage } from '../../../core/image-ref.js';
import { bool, type Inputs, text } from '../../../platform/inputs.js';
import { defineStrategy, missingImage, withEnv } from '../strategy.js';

export const terraformInputs = {
  'working-directory': text({ description: 'terraform: the root module directory', default: '.' }),
  'var-name': text({
    description: 'terraform: the variable that receives the image',
    default: 'image',
    pattern: /^[A-Za-z_][A-Za-z0-9_-]*$/,
    accepted: 'a terraform variable name',
  }),
  'var-file': text({ description: 'terraform: a `.tfvars` file passed with `-var-file`' }),
  apply: bool({ description: 'terraform: `false` only plans', default: 'true' }),
};

export interface TerraformTarget {
  workingDirectory: string;
  varName: string;
  varFile?: string;
  apply: boolean;
}

function terraformTarget(input: Inputs<typeof terraformInputs>): TerraformTarget {
  return {
    workingDirectory: input.workingDirectory,
    varName: input.varName,
    ...(input.varFile ? { varFile: input.varFile } : {}),
    apply: input.apply,
  };
}

function terraformOptions(target: TerraformTarget, environment: string) {
  return {
    workingDirectory: withEnv(target.workingDirectory, environment),
    varName: target.varName,
    ...(target.varFile ? { varFile: withEnv(target.varFile, environment) } : {}),
    apply: target.apply,
  };
}

export const terraform = defineStrategy({
  name: 'terraform',
  inputs: terraformInputs,
  target: terraformTarget,
  deployTarget(input: Inputs<typeof terraformInputs>, image: ParsedImage | undefined) {
    if (!image) throw missingImage('terraform');
    return { ...terraformTarget(input), image };
  },
  requested: (target) => ({ image: target.image, text: target.image.text }),
  async deploy(target, _env, ctx) {
    const { deployTerraform } = await import('../../../core/deploy/terraform.js');
    return deployTerraform({ ...terraformOptions(target, ctx.environment), image: target.image.text }, ctx);
  },
  async rollback(target, req, _env, ctx) {
    const { rollbackTerraform } = await import('../../../core/deploy/terraform.js');
    return rollbackTerraform(
      { ...terraformOptions(target, ctx.environment), ...(req.to ? { to: req.to } : {}) },
      ctx,
    );
  },
});
