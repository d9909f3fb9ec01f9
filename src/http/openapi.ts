// The OpenAPI 3.1 description of the handler's paths, served at /openapi.json. A test validates
// every response the tests receive against it, so it stays true.

import { PROBLEM_CODES } from '../problem.js';

const phase = {
  type: 'object',
  required: ['task', 'rule', 'dependsOn', 'retry', 'template'],
  additionalProperties: false,
  properties: {
    task: { type: 'string', description: '`topic` or `topic:job`' },
    rule: { type: 'string', description: 'a URL query string: `cron=…`, `files=…`, `job=…`' },
    dependsOn: { type: 'string', description: 'the task this phase runs after; `""` for a root phase' },
    retry: { type: 'integer' },
    template: { type: 'string' },
  },
};

const phaseRecord = {
  type: 'object',
  required: ['task', 'rule', 'dependsOn', 'retry', 'template', 'filePath', 'status'],
  additionalProperties: false,
  properties: {
    ...phase.properties,
    filePath: { type: 'string' },
    status: { type: 'string', description: 'problems found at load, `""` when none: their messages joined with `; `' },
    problems: {
      type: 'array',
      description: 'the problems as data; absent when none',
      items: {
        type: 'object',
        required: ['code', 'severity', 'message'],
        additionalProperties: false,
        properties: {
          code: { enum: [...PROBLEM_CODES] },
          severity: { enum: ['error', 'warning'] },
          message: { type: 'string' },
          line: { type: 'integer', minimum: 1, description: "the line of the phase's [[phase]] header (of the ignored duplicate for duplicate-task)" },
        },
      },
    },
  },
};

const failure = {
  type: 'object',
  required: ['file', 'reason'],
  additionalProperties: false,
  properties: { file: { type: 'string' }, reason: { type: 'string' }, line: { type: 'integer' }, column: { type: 'integer' } },
};

const problem = {
  type: 'object',
  required: ['status', 'title', 'detail'],
  properties: { type: { type: 'string' }, status: { type: 'integer' }, title: { type: 'string' }, detail: { type: 'string' } },
};

const versionPhase = {
  type: 'object',
  required: ['task', 'rule', 'dependsOn', 'retry', 'template', 'status'],
  additionalProperties: false,
  properties: { ...phase.properties, status: { type: 'string' } },
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object, description: string) => ({ description, content: { 'application/json': { schema } } });
const problemAnswer = (description: string) => ({ description, content: { 'application/problem+json': { schema: ref('Problem') } } });
const notModified = { description: 'Not modified: the `If-None-Match` ETag is still current' };
const keyParam = { name: 'key', in: 'path', required: true, description: 'a file key; folders as `/` or `%2F`', schema: { type: 'string' } };
const taskParams = ['type', 'job', 'meta'].map((name) => ({ name, in: 'query', required: false, schema: { type: 'string' } }));

/** Answers every GET path may give besides its own. */
const getErrors = {
  '304': notModified,
  '400': problemAnswer('Bad input: an unknown parameter, a key that is not a file key'),
  '405': problemAnswer('Wrong method'),
  '503': problemAnswer('The request took longer than the time limit'),
};

/** The document, with `server` as its one server URL. */
export function openApiDocument(server: string): object {
  return {
    openapi: '3.1.0',
    info: { title: 'workflow-cache', version: '1', description: 'Task workflow phases, answered from the database the cache keeps.' },
    servers: [{ url: server }],
    paths: {
      '/health': { get: { summary: 'Liveness', responses: { '200': json({ type: 'object', required: ['status'], properties: { status: { const: 'ok' } } }, 'Alive'), ...getErrors } } },
      '/files': {
        get: {
          summary: 'Every loaded file, and the files whose last load failed',
          responses: {
            '200': json(
              {
                type: 'object',
                required: ['files', 'failures'],
                additionalProperties: false,
                properties: {
                  files: { type: 'array', items: ref('FileSummary') },
                  failures: { type: 'array', items: ref('Failure') },
                },
              },
              'Files in key order',
            ),
            ...getErrors,
          },
        },
      },
      '/files/{key}': {
        get: {
          summary: "A file's phases",
          parameters: [keyParam],
          responses: {
            '200': json(
              {
                type: 'object',
                required: ['file', 'hash', 'phases'],
                additionalProperties: false,
                properties: { file: { type: 'string' }, hash: { type: 'string' }, loadedAt: { type: ['string', 'null'] }, phases: { type: 'array', items: ref('PhaseRecord') } },
              },
              'The file',
            ),
            '404': problemAnswer('No such file'),
            ...getErrors,
          },
        },
      },
      '/files/{key}/source': {
        get: {
          summary: "A file's text as last loaded",
          parameters: [keyParam],
          responses: {
            '200': { description: 'The TOML text', content: { 'application/toml': { schema: { type: 'string' } } } },
            '404': problemAnswer('No such file'),
            '409': problemAnswer('The file changed since it was loaded: refresh first'),
            ...getErrors,
          },
        },
      },
      '/phase': { get: { summary: "get(): the task's phase, or the empty phase", parameters: taskParams, responses: { '200': json(ref('Phase'), 'The phase'), ...getErrors } } },
      '/children': { get: { summary: 'children(): the phases that run after the task', parameters: taskParams, responses: { '200': json({ type: 'array', items: ref('Phase') }, 'In file order'), ...getErrors } } },
      '/search': {
        get: {
          summary: 'search(): the first phase of any file with the topic (and job)',
          parameters: ['topic', 'job'].map((name) => ({ name, in: 'query', required: false, schema: { type: 'string' } })),
          responses: { '200': json({ type: 'object', required: ['path', 'phase'], additionalProperties: false, properties: { path: { type: 'string' }, phase: ref('Phase') } }, 'With its file key'), ...getErrors },
        },
      },
      '/problems': {
        get: {
          summary: 'Phases with problems, and failed files',
          responses: {
            '200': json({ type: 'object', required: ['phases', 'failures'], additionalProperties: false, properties: { phases: { type: 'array', items: ref('PhaseRecord') }, failures: { type: 'array', items: ref('Failure') } } }, 'Problems'),
            ...getErrors,
          },
        },
      },
      '/phases': {
        get: {
          summary: 'Every phase of every loaded file, with its status',
          responses: {
            '200': json({ type: 'object', required: ['phases'], additionalProperties: false, properties: { phases: { type: 'array', items: ref('PhaseRecord') } } }, 'Files in key order, phases in file order'),
            ...getErrors,
          },
        },
      },
      '/graph/{key}': {
        get: {
          summary: "A file's dependency graph",
          parameters: [keyParam, { name: 'format', in: 'query', required: false, schema: { enum: ['json', 'mermaid', 'dot'], default: 'json' } }],
          responses: {
            '200': {
              description: 'The graph',
              content: {
                'application/json': { schema: ref('Graph') },
                'text/vnd.mermaid; charset=utf-8': { schema: { type: 'string' } },
                'text/vnd.graphviz; charset=utf-8': { schema: { type: 'string' } },
              },
            },
            '404': problemAnswer('No such file'),
            ...getErrors,
          },
        },
      },
      '/history/{key}': {
        get: {
          summary: "A file's versions, oldest first, each with what changed from the one before",
          parameters: [keyParam],
          responses: {
            '200': json({ type: 'object', required: ['file', 'versions'], additionalProperties: false, properties: { file: { type: 'string' }, versions: { type: 'array', items: ref('Version') } } }, 'Versions'),
            '404': problemAnswer('The database knows no version of this file'),
            ...getErrors,
          },
        },
      },
      '/refresh': {
        post: {
          summary: 'Re-read the workflows; files that fail keep their last good phases',
          security: [{}, { bearer: [] }],
          responses: {
            '200': json({ type: 'object', required: ['changed'], additionalProperties: false, properties: { changed: { type: 'array', items: { type: 'string' } }, failures: { type: 'array', items: ref('Failure') } } }, 'What changed: keys loaded anew, `-key` for files gone'),
            '401': problemAnswer('A bearer token is required'),
            '405': problemAnswer('Wrong method'),
            '503': problemAnswer('The workflows or the storage could not be reached, or the time limit passed'),
          },
        },
      },
      '/validate': {
        post: {
          summary: 'Check TOML as `workflow-cache validate` does; nothing is stored',
          parameters: [{ name: 'file', in: 'query', required: false, description: 'the file key to report (default `workflow.toml`)', schema: { type: 'string' } }],
          requestBody: { required: true, content: { 'application/toml': { schema: { type: 'string' } }, 'text/plain': { schema: { type: 'string' } } } },
          responses: {
            '200': json({ type: 'object', required: ['phases', 'failures'], additionalProperties: false, properties: { phases: { type: 'array', items: ref('PhaseRecord') }, failures: { type: 'array', items: ref('Failure') } } }, 'Phases with their status, or the failure'),
            '400': problemAnswer('Bad input'),
            '405': problemAnswer('Wrong method'),
            '413': problemAnswer('The body is over the size limit'),
            '503': problemAnswer('The request took longer than the time limit'),
          },
        },
      },
      '/stats': {
        get: {
          summary: 'Counts, database size, latency per operation',
          responses: {
            '200': json(
              {
                type: 'object',
                required: ['files', 'phases', 'problems', 'failedFiles', 'historyVersions', 'databaseBytes', 'operations'],
                properties: {
                  files: { type: 'integer' },
                  phases: { type: 'integer' },
                  problems: { type: 'integer' },
                  failedFiles: { type: 'integer' },
                  historyVersions: { type: 'integer' },
                  databaseBytes: { type: 'integer' },
                  operations: { type: 'object', additionalProperties: ref('OperationStats') },
                },
              },
              'Statistics',
            ),
            ...getErrors,
          },
        },
      },
      '/openapi.json': { get: { summary: 'This document', responses: { '200': json({ type: 'object' }, 'OpenAPI 3.1'), ...getErrors } } },
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Phase: phase,
        PhaseRecord: phaseRecord,
        Failure: failure,
        Problem: problem,
        FileSummary: {
          type: 'object',
          required: ['file', 'hash', 'phases', 'problems'],
          additionalProperties: false,
          properties: { file: { type: 'string' }, hash: { type: 'string' }, loadedAt: { type: ['string', 'null'] }, phases: { type: 'integer' }, problems: { type: 'integer' } },
        },
        Graph: {
          type: 'object',
          required: ['nodes', 'edges'],
          properties: {
            nodes: { type: 'array', items: { type: 'object', required: ['id', 'file', 'task', 'status'], properties: { id: { type: 'string' }, file: { type: 'string' }, task: { type: 'string' }, status: { type: 'string' }, missing: { const: true } } } },
            edges: { type: 'array', items: { type: 'object', required: ['from', 'to'], properties: { from: { type: 'string' }, to: { type: 'string' }, cycle: { const: true } } } },
          },
        },
        Version: {
          type: 'object',
          required: ['version', 'file', 'hash', 'loadedAt', 'replacedAt', 'phases'],
          properties: {
            version: { type: 'integer' },
            file: { type: 'string' },
            hash: { type: 'string' },
            loadedAt: { type: ['string', 'null'] },
            replacedAt: { type: ['string', 'null'] },
            phases: { type: 'array', items: versionPhase },
            changes: {
              type: 'object',
              description: 'what changed from the version before (absent for the first)',
              required: ['added', 'removed', 'changed'],
              properties: {
                added: { type: 'array', items: versionPhase },
                removed: { type: 'array', items: versionPhase },
                changed: { type: 'array', items: { type: 'object', required: ['key', 'before', 'after', 'fields'], properties: { key: { type: 'string' }, before: versionPhase, after: versionPhase, fields: { type: 'array', items: { type: 'string' } } } } },
              },
            },
          },
        },
        OperationStats: {
          type: 'object',
          required: ['count', 'errors', 'p50', 'p95', 'p99', 'max'],
          properties: { count: { type: 'integer' }, errors: { type: 'integer' }, p50: { type: 'number' }, p95: { type: 'number' }, p99: { type: 'number' }, max: { type: 'number' } },
        },
      },
    },
  };
}
