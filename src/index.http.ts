// `workflow-cache/http`: the HTTP API as a Web-standard handler over an open cache.
export { createHandler } from './http/create-handler.js';
export type { Handler, HandlerOptions } from './http/create-handler.js';
export { openApiDocument } from './http/openapi.js';
