/**
 * Each node that is its own ancestor, with one shortest cycle through it in run order (parent
 * before child), starting and ending at that node.
 * @param parents the nodes a node runs after, each one of `nodes`
 */
export function dependencyCycles<T>(nodes: readonly T[], parents: (node: T) => readonly T[]): Map<T, T[]> {
  const children = new Map<T, T[]>(nodes.map((n) => [n, []]));
  for (const n of nodes) for (const parent of parents(n)) children.get(parent)!.push(n);
  const found = new Map<T, T[]>();
  for (const start of inCycles(nodes, children)) {
    const path = shortestPath(start, start, children);
    if (path) found.set(start, path);
  }
  return found;
}

/** The shortest path from `from` to `to` (breadth first), both ends included. */
function shortestPath<T>(
  from: T,
  to: T,
  children: ReadonlyMap<T, readonly T[]>,
): T[] | undefined {
  const cameFrom = new Map<T, T>();
  let frontier = [from];
  while (frontier.length > 0) {
    const next: T[] = [];
    for (const node of frontier) {
      for (const child of children.get(node)!) {
        if (child === to) {
          const path = [to, node];
          for (let n = node; n !== from; n = cameFrom.get(n)!) path.push(cameFrom.get(n)!);
          return path.reverse();
        }
        if (!cameFrom.has(child) && child !== from) {
          cameFrom.set(child, node);
          next.push(child);
        }
      }
    }
    frontier = next;
  }
  return undefined;
}

/** The phases on some cycle (Tarjan's strongly connected components, without recursion). */
function inCycles<T>(
  nodes: readonly T[],
  children: ReadonlyMap<T, readonly T[]>,
): T[] {
  const index = new Map<T, number>();
  const low = new Map<T, number>();
  const stack: T[] = [];
  const onStack = new Set<T>();
  const result: T[] = [];
  for (const root of nodes) {
    if (index.has(root)) continue;
    const work: Array<{ node: T; next: number }> = [{ node: root, next: 0 }];
    index.set(root, index.size);
    low.set(root, index.get(root)!);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const kids = children.get(frame.node)!;
      if (frame.next < kids.length) {
        const child = kids[frame.next++];
        if (!index.has(child)) {
          index.set(child, index.size);
          low.set(child, index.get(child)!);
          stack.push(child);
          onStack.add(child);
          work.push({ node: child, next: 0 });
        } else if (onStack.has(child)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(child)!));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.node)!));
      }
      if (low.get(frame.node) !== index.get(frame.node)) continue;
      const component: T[] = [];
      let member: T;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== frame.node);
      if (component.length > 1 || kids.includes(frame.node)) result.push(...component);
    }
  }
  return result;
}
