// What the generators (generate.ts, generate-gitlab.ts, generate-promote.ts) share: the step
// types as the generators see them, the markdown table cell and the action.yml defaults.
import { cell } from '../src/core/markdown.js';
import type { steps } from '../src/steps/index.js';

/** A step of the pack (typed from the registry, so it follows the Step type wherever it lives). */
export type Step = (typeof steps)[number];

/** A step input with the optional fields of its declaration that only the generators read. */
export type InputDef = Step['inputs'][string] & { githubDefault?: string; pattern?: RegExp };

/** The inputs of a step, with those optional fields. */
export function inputsOf(step: Step): [string, InputDef][] {
  return Object.entries(step.inputs);
}

/** The default an input has in action.yml: its GitHub-side default, else the CLI's. */
export function actionDefault(def: InputDef): string | undefined {
  return def.githubDefault ?? def.default;
}

export const BRANDING = { color: 'purple', icon: 'truck' };

/** First line of a generated YAML file. */
export function generatedHeader(step: Step): string {
  return `# Generated from src/steps/${step.name}.ts by \`npm run build\`: edit the step, not this file.\n`;
}

/** A markdown table cell of the generated docs: like cell(), but keeps line breaks as <br>. */
export function docCell(text: unknown): string {
  return cell(String(text ?? '').replace(/\r?\n/g, '<br>'));
}
