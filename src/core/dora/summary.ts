/** deploy-report's job summary: the four keys in a table and a Mermaid chart of deployments per week. */
import { table } from '../markdown.js';
import { type DoraReport, humanDuration } from './metrics.js';

export function percent(rate: number): string {
  return `${(rate * 100).toFixed(1).replace(/\.0$/, '')}%`;
}

/** The Mermaid `xychart-beta` of deployments (and failures) per week. */
export function weeklyChart(report: DoraReport): string {
  const top = Math.max(1, ...report.weeks.map((w) => w.deployments));
  return [
    '```mermaid',
    'xychart-beta',
    `  title "Deployments to ${report.environment} per week"`,
    `  x-axis [${report.weeks.map((w) => `"${w.week}"`).join(', ')}]`,
    `  y-axis "Deployments" 0 --> ${top}`,
    `  bar [${report.weeks.map((w) => w.deployments).join(', ')}]`,
    `  line [${report.weeks.map((w) => w.failed).join(', ')}]`,
    '```',
  ].join('\n');
}

export function reportSummary(report: DoraReport, since: string): string {
  const head = `### DORA: ${report.environment}, last ${since}`;
  const period = `${report.from.slice(0, 16).replace('T', ' ')} to ${report.to.slice(0, 16).replace('T', ' ')} UTC`;
  if (report.deployments === 0) {
    return [
      head,
      '',
      `No deployment to ${report.environment} in the last ${since} (${period}): there is no frequency, lead time, failure rate or time to restore to report.`,
      ...(report.rollbacks
        ? ['', `(${report.rollbacks} rollback(s) ran; rollbacks are not deployments.)`]
        : []),
      '',
    ].join('\n');
  }
  const rows = [
    [
      'Deployment frequency',
      `${report.deploymentFrequency.toFixed(2)} per day`,
      `${report.successful} successful deployments in ${Math.round(report.days * 10) / 10} days`,
    ],
    [
      'Lead time for changes',
      report.leadTime === null ? '—' : humanDuration(report.leadTime),
      `median over ${report.commits} commits`,
    ],
    [
      'Change failure rate',
      report.changeFailureRate === null ? '—' : percent(report.changeFailureRate),
      `${report.failed} of ${report.deployments} deployments failed or were rolled back (${report.rolledBack} rolled back)`,
    ],
    [
      'Time to restore',
      report.timeToRestore === null ? '—' : humanDuration(report.timeToRestore),
      `median over ${report.restored} restored failures${report.unrestored ? `; ${report.unrestored} not restored yet` : ''}`,
    ],
  ];
  return [
    head,
    '',
    `${period}. Rollbacks (${report.rollbacks}) are not counted as deployments.`,
    '',
    table(['Key', 'Value', 'From'], rows),
    '',
    weeklyChart(report),
    '',
  ].join('\n');
}
