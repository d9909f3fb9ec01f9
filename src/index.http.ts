// `workflow-cache/http`: the HTTP API over an open cache, as a Web-standard handler and as a
// node:http listener.
export { createHandler } from './http/create-handler.js';
export type { Handler } from './http/create-handler.js';
export { createNodeListener } from './http/create-node-listener.js';
export type { NodeRequestLike, NodeResponseLike } from './http/create-node-listener.js';
export type { HandlerOptions } from './http/api.js';
export { openApiDocument } from './http/openapi.js';
