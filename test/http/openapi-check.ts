// Holds the handler to its own OpenAPI document: each response a test receives is checked
// against the schema the document gives for its path, method, status and content type.
import { Validator } from '@seriousme/openapi-schema-validator';
import Ajv2020 from 'ajv/dist/2020.js';
import { expect } from 'vitest';
import { openApiDocument } from '../../src/index.http.js';

interface Operation {
  responses: Record<string, { content?: Record<string, { schema: object }> }>;
}
type Document = { paths: Record<string, Record<string, Operation>> };

/** Validates the document itself (OpenAPI 3.1), then returns a checker of responses against it. */
export async function openApiChecker(): Promise<{ check: (method: string, path: string, response: Response) => Promise<void>; checked: () => number }> {
  const document = openApiDocument('/') as Document;
  const verdict = await new Validator().validate(document as Parameters<Validator["validate"]>[0]);
  expect(verdict.errors ?? []).toEqual([]);
  expect(verdict.valid).toBe(true);
  const ajv = new (Ajv2020 as unknown as typeof Ajv2020.default)({ strict: false, allErrors: true });
  ajv.addSchema(document, 'openapi');
  let count = 0;
  return {
    checked: () => count,
    async check(method, path, response) {
      const template = templateOf(document, path);
      const operation = document.paths[template]?.[method === 'HEAD' ? 'get' : method.toLowerCase()];
      if (operation === undefined) {
        // A path or method the document does not have: only a 404 or 405 problem may answer it.
        count++;
        expect([404, 405], `${method} ${path} is not in the document`).toContain(response.status);
        expect(response.headers.get('content-type')).toBe('application/problem+json');
        const validate = ajv.getSchema('openapi#/components/schemas/Problem')!;
        expect(validate(await response.clone().json())).toBe(true);
        return;
      }
      const answer = operation.responses[String(response.status)];
      expect(answer, `${method} ${path}: status ${response.status} is in the document`).toBeDefined();
      count++;
      if (response.status === 304 || method === 'HEAD') return;
      const type = response.headers.get('content-type') ?? '';
      const content = answer.content?.[type];
      expect(content, `${method} ${path} ${response.status}: content type ${type} is in the document`).toBeDefined();
      const text = await response.clone().text();
      const body = type.includes('json') ? JSON.parse(text) : text;
      const pointer = `openapi#/paths/${escape(template)}/${method === 'HEAD' ? 'get' : method.toLowerCase()}/responses/${response.status}/content/${escape(type)}/schema`;
      const validate = ajv.getSchema(pointer) ?? ajv.compile({ $ref: pointer });
      const ok = validate(body);
      expect(validate.errors ?? [], `${method} ${path} ${response.status} matches its schema`).toEqual([]);
      expect(ok).toBe(true);
    },
  };
}

function escape(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** The document's path for a concrete one; `{key}` takes the rest of the path, slashes and all. */
function templateOf(document: Document, path: string): string {
  const bare = path.split('?')[0];
  if (document.paths[bare]) return bare;
  if (/^\/files\/.+\/source$/.test(bare) && !bare.endsWith('.toml')) return '/files/{key}/source';
  for (const base of ['/files/', '/graph/', '/history/']) if (bare.startsWith(base)) return `${base}{key}`;
  return bare;
}
