import type { ProcessTreeNode } from './contract.js';
import type { ProcessRowModel } from './ProcessTable.js';

/**
 * Flatten the process tree into table rows, depth-first, children by PID. With a filter, a node shows when it
 * or any descendant matches, so a match is always seen under its parents; filtering also opens every branch.
 */
export function flattenTree(
  roots: readonly ProcessTreeNode[],
  collapsed: ReadonlySet<number>,
  matches: (node: ProcessTreeNode) => boolean,
  filtering: boolean,
  toggle: (pid: number) => void,
): ProcessRowModel[] {
  const rows: ProcessRowModel[] = [];
  const visible = new Map<number, boolean>();

  const anyMatch = (node: ProcessTreeNode): boolean => {
    let result = matches(node);
    for (const child of node.children) if (anyMatch(child)) result = true;
    visible.set(node.pid, result);
    return result;
  };
  if (filtering) for (const root of roots) anyMatch(root);

  const walk = (node: ProcessTreeNode, depth: number) => {
    if (filtering && !visible.get(node.pid)) return;
    const children = [...node.children].sort((a, b) => a.pid - b.pid);
    const expanded = filtering || !collapsed.has(node.pid);
    rows.push({
      process: node,
      tree: { depth, hasChildren: children.length > 0, expanded, onToggle: () => toggle(node.pid) },
    });
    if (expanded) for (const child of children) walk(child, depth + 1);
  };
  for (const root of [...roots].sort((a, b) => a.pid - b.pid)) walk(root, 0);
  return rows;
}

/** Kernel threads (children of kthreadd) are many and rarely interesting: start with them folded. */
export function initiallyCollapsed(roots: readonly ProcessTreeNode[]): Set<number> {
  const collapsed = new Set<number>();
  for (const root of roots) if (root.name === 'kthreadd') collapsed.add(root.pid);
  return collapsed;
}
