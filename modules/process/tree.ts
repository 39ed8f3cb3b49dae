/**
 * Arranging a process list by parent.
 *
 * Built iteratively with a visited set, so neither a deep chain nor impossible data (a ppid cycle, which a
 * list read over ~40 ms can show when pids are reused mid-read) can recurse without end or drop a process.
 */
import type { ProcessInfo, ProcessTreeNode } from './contract.js';

const byPid = (a: { pid: number }, b: { pid: number }): number => a.pid - b.pid;

/**
 * Roots are processes whose ppid is 0 or whose parent is not in the list; children are sorted by pid.
 * Every process appears exactly once.
 */
export function buildProcessTree(processes: readonly ProcessInfo[]): ProcessTreeNode[] {
  const nodes = new Map<number, ProcessTreeNode>();
  for (const info of processes) {
    // The first entry for a pid wins; a list never holds two, but the tree must not lose or double one if it did.
    if (!nodes.has(info.pid)) nodes.set(info.pid, { ...info, children: [] });
  }

  const childrenOf = new Map<number, ProcessTreeNode[]>();
  const roots: ProcessTreeNode[] = [];
  for (const node of nodes.values()) {
    if (node.ppid === 0 || node.ppid === node.pid || !nodes.has(node.ppid)) {
      roots.push(node);
      continue;
    }
    const siblings = childrenOf.get(node.ppid);
    if (siblings) siblings.push(node);
    else childrenOf.set(node.ppid, [node]);
  }
  for (const siblings of childrenOf.values()) siblings.sort(byPid);
  roots.sort(byPid);

  const visited = new Set<number>();
  const attachFrom = (root: ProcessTreeNode): void => {
    visited.add(root.pid);
    const stack = [root];
    for (let node = stack.pop(); node; node = stack.pop()) {
      // A child already placed is where a cycle closes; leaving it out is what breaks the cycle.
      node.children = (childrenOf.get(node.pid) ?? []).filter((child) => !visited.has(child.pid));
      for (const child of node.children) {
        visited.add(child.pid);
        stack.push(child);
      }
    }
  };
  for (const root of roots) attachFrom(root);

  // Whatever is left hangs off a cycle that no root reaches: lift its lowest pid to a root and go on.
  if (visited.size < nodes.size) {
    const stranded = [...nodes.values()].filter((node) => !visited.has(node.pid)).sort(byPid);
    for (const node of stranded) {
      if (visited.has(node.pid)) continue;
      roots.push(node);
      attachFrom(node);
    }
    roots.sort(byPid);
  }
  return roots;
}
