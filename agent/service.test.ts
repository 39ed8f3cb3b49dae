import { describe, expect, it } from 'vitest';
import { renderUnit } from './service.js';

describe('renderUnit', () => {
  it('runs the agent with its data directory and does not restart it once revoked', () => {
    const unit = renderUnit('/usr/bin/node', '/usr/local/bin/gatehouse-agent', '/var/lib/gatehouse-agent');
    expect(unit).toContain('ExecStart=/usr/bin/node /usr/local/bin/gatehouse-agent run --data /var/lib/gatehouse-agent');
    expect(unit).toContain('RestartPreventExitStatus=3');
    expect(unit).toContain('WantedBy=multi-user.target');
  });

  it('quotes paths with spaces so systemd reads one argument', () => {
    expect(renderUnit('/usr/bin/node', '/opt/my agent/a.mjs', '/var/lib/x')).toContain('"/opt/my agent/a.mjs" run');
  });
});
