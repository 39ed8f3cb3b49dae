/**
 * `gatehouse-agent install-service`: run the agent under systemd, restarted if it dies, started at boot.
 */
import { execFile } from 'node:child_process';
import { access, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const unitPath = '/etc/systemd/system/gatehouse-agent.service';

/** The unit file text; exit code 3 (revoked by the console) is final, so systemd does not restart it. */
export function renderUnit(nodePath: string, scriptPath: string, dataDir: string): string {
  const quote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `"${s.replace(/(["\\$`])/g, '\\$1')}"`);
  return `[Unit]
Description=Gatehouse agent (remote administration)
After=network-online.target
Wants=network-online.target

[Service]
ExecStart=${quote(nodePath)} ${quote(scriptPath)} run --data ${quote(dataDir)}
Restart=always
RestartSec=5
RestartPreventExitStatus=3

[Install]
WantedBy=multi-user.target
`;
}

export async function installService(dataDir: string): Promise<string> {
  try {
    await access('/run/systemd/system');
  } catch {
    throw new Error(`this machine does not run systemd; start the agent yourself: ${process.execPath} ${resolve(process.argv[1] ?? '')} run --data ${dataDir}`);
  }
  await writeFile(unitPath, renderUnit(process.execPath, resolve(process.argv[1] ?? ''), resolve(dataDir)), { mode: 0o644 });
  await run('systemctl', ['daemon-reload']);
  await run('systemctl', ['enable', '--now', 'gatehouse-agent.service']);
  return unitPath;
}
