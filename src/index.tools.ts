// `workflow-cache/tools`: helpers around a cache that the cache itself does not need (drawing
// the dependency graph, comparing two versions of a file), kept out of the main bundle.
export { graphFormats, renderGraph, workflowGraph } from './graph.js';
export type { GraphEdge, GraphFormat, GraphNode, WorkflowGraph } from './graph.js';
export { diffVersions } from './version-diff.js';
export type { PhaseChange, VersionDiff } from './version-diff.js';
