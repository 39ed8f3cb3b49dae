import { describe, expect, it } from 'vitest';
import { ReadAuditWindow } from './read-audit-window.js';

describe('ReadAuditWindow', () => {
  it('audits a repeated read once per ten minutes, per user, host, method and params', () => {
    let now = 0;
    const window = new ReadAuditWindow(() => now);
    expect(window.shouldAudit('ann', 'h1', 'process.list', 'd1')).toBe(true);
    now += 3_000;
    expect(window.shouldAudit('ann', 'h1', 'process.list', 'd1')).toBe(false);
    expect(window.shouldAudit('bob', 'h1', 'process.list', 'd1')).toBe(true);
    expect(window.shouldAudit('ann', 'h2', 'process.list', 'd1')).toBe(true);
    expect(window.shouldAudit('ann', 'h1', 'file.list', 'd1')).toBe(true);
    expect(window.shouldAudit('ann', 'h1', 'process.list', 'd2')).toBe(true);
    now += 10 * 60_000;
    expect(window.shouldAudit('ann', 'h1', 'process.list', 'd1')).toBe(true);
  });
});
