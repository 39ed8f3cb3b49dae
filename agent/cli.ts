/**
 * `gatehouse-agent`: enroll this machine with a console, then run, serving the console's calls.
 */
import { parseArgs } from 'node:util';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { homedir } from 'node:os';
import { enroll } from './enroll.js';
import { loadIdentity } from './identity.js';
import { loadPolicy } from './policy-file.js';
import { loadModuleHandlers } from './modules.js';
import { Dispatcher } from './dispatcher.js';
import { ConsoleConnection } from './connection.js';
import { AgentTelemetry } from './telemetry.js';
import { agentVersion } from './version.js';
import { installService } from './service.js';
import { log } from './log.js';

const usage = `gatehouse-agent ${agentVersion}

Usage:
  gatehouse-agent enroll --console URL (--token TOKEN | --token-file FILE) [--data DIR] [--name NAME]
      Make this machine's key pair, register it with the console using a one-time token from
      the console's "Add host" dialog, and pin the console's certificate. --token-file keeps the
      token out of the process list.
  gatehouse-agent run [--data DIR] [--policy FILE]
      Connect to the console and serve it. Reconnects by itself when the link drops.
  gatehouse-agent install-service [--data DIR]
      Install and start a systemd unit that runs the agent at boot (as root).

Options:
  --data DIR      where the identity is kept (default: $GATEHOUSE_AGENT_DATA, else
                  /var/lib/gatehouse-agent as root, else ~/.local/share/gatehouse-agent)
  --policy FILE   local policy (default: DIR/policy.json; optional). JSON with "modules",
                  "fileRoots", "readOnly", "terminalDetachedMinutes" and "modbusWritableTags";
                  the console can read it but never change it.
`;

function defaultDataDir(): string {
  if (process.env.GATEHOUSE_AGENT_DATA) return process.env.GATEHOUSE_AGENT_DATA;
  return process.getuid?.() === 0 ? '/var/lib/gatehouse-agent' : join(homedir(), '.local/share/gatehouse-agent');
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      console: { type: 'string' },
      token: { type: 'string' },
      'token-file': { type: 'string' },
      data: { type: 'string' },
      name: { type: 'string' },
      policy: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  const dataDir = values.data ?? defaultDataDir();

  switch (command) {
    case 'enroll': {
      const token = values['token-file'] ? (await readFile(values['token-file'], 'utf8')).trim() : values.token;
      if (!values.console || !token) {
        process.stderr.write('enroll needs --console URL and --token TOKEN (or --token-file FILE)\n\n' + usage);
        return 2;
      }
      const identity = await enroll({ consoleUrl: values.console, token, dataDir, name: values.name });
      process.stdout.write(
        `Enrolled as "${identity.name}" (${identity.hostId}) with ${identity.console}.\n` +
          (identity.state === 'pending' ? 'An administrator must approve this host in the console before it can be used.\n' : '') +
          `Identity written to ${dataDir}. Start the agent with: gatehouse-agent run --data ${dataDir}\n`,
      );
      return 0;
    }
    case 'run': {
      const { identity, keyPair } = await loadIdentity(dataDir);
      const policyPath = values.policy ?? join(dataDir, 'policy.json');
      const policy = await loadPolicy(policyPath, values.policy !== undefined);
      const dispatcher = new Dispatcher(await loadModuleHandlers(policy), policy);
      log.info('starting', { version: agentVersion, host: identity.hostId, modules: dispatcher.moduleNames.join(','), readOnly: policy.readOnly });
      // The Modbus gateway polls and queues on its own, with or without a console to send to.
      const telemetry = dispatcher.moduleNames.includes('modbus') ? await AgentTelemetry.open(dataDir, policy.modbusWritableTags) : undefined;
      return new Promise<number>((resolve) => {
        const finish = (code: number) => void (telemetry?.close() ?? Promise.resolve()).catch(() => undefined).then(() => resolve(code));
        const connection = new ConsoleConnection(identity, keyPair, dispatcher, policy, {
          onRevoked: (message) => {
            log.error('the console has revoked this host; stopping', { message });
            finish(3);
          },
          ...(telemetry ? { telemetry: telemetry.sender } : {}),
        });
        const stop = () => {
          log.info('stopping');
          connection.stop();
          finish(0);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        connection.start();
      });
    }
    case 'install-service': {
      await loadIdentity(dataDir); // refuse to install a service that cannot connect
      const unit = await installService(dataDir);
      process.stdout.write(`Installed ${unit}; the agent is running and will start at boot.\n`);
      return 0;
    }
    case 'version':
    case '--version':
      process.stdout.write(`${agentVersion}\n`);
      return 0;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(usage);
      return 0;
    default:
      process.stderr.write(`unknown command "${command}"\n\n${usage}`);
      return 2;
  }
}

// A bug that leaves a promise rejected unhandled is logged, not fatal: one bad request must not take down
// every other session (an uncaught exception still ends the process, as its state can no longer be trusted).
process.on('unhandledRejection', (reason) => {
  log.error('unhandled rejection', { message: reason instanceof Error ? (reason.stack ?? reason.message) : String(reason) });
});

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`gatehouse-agent: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
