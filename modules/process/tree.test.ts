import { describe, expect, it } from 'vitest';
import type { ProcessInfo, ProcessTreeNode } from './contract.js';
import { buildProcessTree } from './tree.js';

function proc(pid: number, ppid: number): ProcessInfo {
  return {
    pid,
    ppid,
    user: 'root',
    uid: 0,
    name: `p${pid}`,
    command: '',
    state: 'S',
    cpuPercent: 0,
    residentBytes: 0,
    virtualBytes: 0,
    nice: 0,
    threads: 1,
    startedAt: '2024-01-01T00:00:00.000Z',
  };
}

/** pid → parent pid (0 for roots), read off the tree, plus each node's child pids in order. */
function shape(roots: ProcessTreeNode[]): { parents: Map<number, number>; order: Map<number, number[]> } {
  const parents = new Map<number, number>();
  const order = new Map<number, number[]>([[0, roots.map((r) => r.pid)]]);
  const stack = roots.map((node) => ({ node, parent: 0 }));
  for (let entry = stack.pop(); entry; entry = stack.pop()) {
    expect(parents.has(entry.node.pid)).toBe(false);
    parents.set(entry.node.pid, entry.parent);
    order.set(entry.node.pid, entry.node.children.map((c) => c.pid));
    for (const child of entry.node.children) stack.push({ node: child, parent: entry.node.pid });
  }
  return { parents, order };
}

describe('buildProcessTree', () => {
  it('hangs children under parents, sorted by pid, with orphans as roots', () => {
    const roots = buildProcessTree([proc(30, 1), proc(1, 0), proc(2, 0), proc(12, 1), proc(99, 77), proc(13, 12)]);
    const { parents, order } = shape(roots);
    expect(order.get(0)).toEqual([1, 2, 99]);
    expect(order.get(1)).toEqual([12, 30]);
    expect(parents.get(13)).toBe(12);
    expect(parents.size).toBe(6);
  });

  it('breaks ppid cycles without losing a process', () => {
    // 5 → 6 → 7 → 5 is impossible in one instant, but a list read while pids are reused can show it.
    const roots = buildProcessTree([proc(1, 0), proc(5, 7), proc(6, 5), proc(7, 6), proc(8, 7), proc(9, 9)]);
    const { parents, order } = shape(roots);
    expect(parents.size).toBe(6);
    expect(order.get(0)).toEqual([1, 5, 9]);
    expect(order.get(5)).toEqual([6]);
    expect(order.get(7)).toEqual([8]);
  });

  it('copes with a very deep chain without recursing', () => {
    const chain = Array.from({ length: 50_000 }, (_, i) => proc(i + 1, i));
    const roots = buildProcessTree(chain);
    expect(roots.map((r) => r.pid)).toEqual([1]);
    let depth = 0;
    for (let node: ProcessTreeNode | undefined = roots[0]; node; node = node.children[0]) depth++;
    expect(depth).toBe(50_000);
  });

  it('keeps one node per pid when the input repeats one', () => {
    const roots = buildProcessTree([proc(1, 0), proc(2, 1), proc(2, 1)]);
    expect(roots[0]?.children.map((c) => c.pid)).toEqual([2]);
  });
});
