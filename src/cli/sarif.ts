import pkg from '../../package.json' with { type: 'json' };
import type { Finding, FindingKind } from './findings.js';

/** What each kind of finding means, as SARIF rules: code scanning shows them beside each result. */
const rules: Record<FindingKind, string> = {
  'phase-problem': 'A phase with a problem: a rule that does not parse, a missing parent task, a dependency cycle, a duplicate task, a warning.',
  'load-failure': 'A workflow file that could not be loaded: not TOML, a value of the wrong type, unreadable, or too large.',
  'no-workflow-files': 'The workflows path holds no workflow file: the check checked nothing.',
};
const kinds = Object.keys(rules) as FindingKind[];

/**
 * Findings as a SARIF 2.1.0 log (one run of workflow-cache), the format GitHub code scanning
 * and other CI dashboards import. Paths are relative URIs, from where the command ran.
 */
export function sarifLog(findings: readonly Finding[]): string {
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'workflow-cache',
            version: pkg.version,
            rules: kinds.map((id) => ({ id, shortDescription: { text: rules[id] } })),
          },
        },
        results: findings.map((f) => ({
          ruleId: f.kind,
          ruleIndex: kinds.indexOf(f.kind),
          level: f.severity,
          message: { text: f.message },
          ...(f.path === undefined
            ? {}
            : {
                locations: [
                  {
                    physicalLocation: {
                      artifactLocation: { uri: uriOf(f.path) },
                      ...(f.line === undefined ? {} : { region: { startLine: f.line, ...(f.column === undefined ? {} : { startColumn: f.column }) } }),
                    },
                  },
                ],
              }),
        })),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

/** A path as a URI reference: each segment percent-encoded, an `s3:` (or other) scheme kept. */
function uriOf(path: string): string {
  return path
    .split('/')
    .map((segment, i) => (i === 0 && /^[a-z][\w+.-]*:$/i.test(segment) ? segment : encodeURIComponent(segment)))
    .join('/');
}
