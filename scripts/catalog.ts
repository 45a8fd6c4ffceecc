// Assembles the layout GitLab's CI/CD Catalog needs from gitlab-components/:
//   <target>/templates/<component>/template.yml (+ its README.md)
//   <target>/README.md listing every component with every input
//   <target>/.gitlab-ci.yml: on a version tag, a job with the `release` keyword, which is how GitLab
//   publishes that version of a catalog project to the CI/CD Catalog
// so that `include: component: $CI_SERVER_FQDN/<group>/stagecraft/<component>@<version>` works
// once <target> is pushed as the catalog project and tagged.
// Usage: node scripts/run-ts.mjs scripts/catalog.ts <target-dir> [--image <registry/path:version>]
// --image stamps the job image the release pushed into every template's default (`job-image`,
// and the promote component's `build-image`/`test-image`) in place of package.json `config.image`.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import YAML from 'yaml';
import { inputRows, type SpecInput } from './generate-gitlab.js';

const ROOT = resolve(import.meta.dirname, '..');

/** The spec inputs of one template.yml (its first YAML document). */
function templateInputs(text: string): Record<string, SpecInput> {
  const [header] = YAML.parseAllDocuments(text);
  return header?.toJS()?.spec?.inputs ?? {};
}

function readmeSection(name: string, inputs: Record<string, SpecInput>): string {
  const rows = inputRows(inputs, false);
  return `## ${name}\n\n\`\`\`yaml\ninclude:\n  - component: $CI_SERVER_FQDN/<group>/stagecraft/${name}@<version>\n\`\`\`\n\nDetails: [templates/${name}/README.md](templates/${name}/README.md).\n\n| input | type | default | meaning |\n| --- | --- | --- | --- |\n${rows.join('\n')}\n`;
}

/** Copies every component into <target>/templates and writes the catalog README; returns the names. */
function assembleCatalog(target: string, image?: string, source = join(ROOT, 'gitlab-components')): string[] {
  const { config } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const escaped = String(config.image).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const defaultImage = new RegExp(`^(\\s+default: )${escaped}:[0-9A-Za-z.+-]+$`, 'gm');
  const stamp = (text: string) =>
    image ? text.replace(defaultImage, (_m, lead: string) => `${lead}${image}`) : text;
  const names = readdirSync(source, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(source, d.name, 'template.yml')))
    .map((d) => d.name)
    .sort();
  const sections = [];
  for (const name of names) {
    const dir = join(target, 'templates', name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'template.yml'), stamp(readFileSync(join(source, name, 'template.yml'), 'utf8')));
    if (existsSync(join(source, name, 'README.md')))
      cpSync(join(source, name, 'README.md'), join(dir, 'README.md'));
    sections.push(readmeSection(name, templateInputs(readFileSync(join(dir, 'template.yml'), 'utf8'))));
  }
  const { version, description } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  writeFileSync(
    join(target, 'README.md'),
    `# stagecraft — GitLab CI/CD components (${version})\n\n${description}\n\nEach component is one job that runs the \`stagecraft\` CLI; inputs reach it only as\n\`STAGECRAFT_INPUT_<NAME>\` variables and outputs come back as the dotenv report\n\`stagecraft.env\` (\`STAGECRAFT_<OUTPUT>\`).\n\n${sections.join('\n')}`,
  );
  return names;
}

/** The catalog project's own pipeline: a tag X.Y.Z makes the release that publishes it. */
const CATALOG_PIPELINE = `# A tag X.Y.Z (pushed by stagecraft's release workflow) publishes that version to the CI/CD
# Catalog: GitLab publishes a catalog project's version from a release made by the \`release\` keyword.
create-release:
  stage: deploy
  image: registry.gitlab.com/gitlab-org/release-cli:latest
  rules:
    - if: $CI_COMMIT_TAG =~ /^[0-9]+[.][0-9]+[.][0-9]+$/
  script:
    - echo "stagecraft components $CI_COMMIT_TAG"
  release:
    tag_name: $CI_COMMIT_TAG
    name: stagecraft $CI_COMMIT_TAG
    description: "stagecraft GitLab CI/CD components $CI_COMMIT_TAG (README.md lists every input)."
`;

const [target, flag, image] = process.argv.slice(2);
if (!target || (flag !== undefined && (flag !== '--image' || !image))) {
  console.error('usage: node scripts/run-ts.mjs scripts/catalog.ts <target-dir> [--image <ref>]');
  process.exit(2);
}
const names = assembleCatalog(resolve(target), image);
writeFileSync(join(resolve(target), '.gitlab-ci.yml'), CATALOG_PIPELINE);
console.log(`catalog: ${names.length} components in ${resolve(target)}/templates: ${names.join(', ')}`);
