import type { Finding } from './findings.js';

/**
 * Findings as GitHub Actions workflow commands, one `::error file=…,line=…,col=…::message` line
 * each (`::warning` for a warning), which the run shows on the file's line in the pull request. Values are escaped as the
 * Actions toolkit escapes them, so a file name or message cannot end the command or start another.
 */
export function githubAnnotations(findings: readonly Finding[]): string {
  return findings
    .map((f) => {
      const properties = [
        f.path === undefined ? undefined : `file=${escapeProperty(f.path)}`,
        f.line === undefined ? undefined : `line=${f.line}`,
        f.column === undefined ? undefined : `col=${f.column}`,
      ].filter((p) => p !== undefined);
      return `::${f.severity}${properties.length > 0 ? ` ${properties.join(',')}` : ''}::${escapeData(f.message)}\n`;
    })
    .join('');
}

function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
