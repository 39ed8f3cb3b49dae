/**
 * `gatehouse-console`: run the console, or check its audit chain.
 */
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { loadConfig, ConfigError } from './config.js';
import { startConsole } from './server.js';
import { openSqliteStorage } from './storage/sqlite.js';
import { consoleVersion } from './agents/hub.js';
import { log } from './log.js';

const usage = `gatehouse-console ${consoleVersion}

Usage:
  gatehouse-console [serve] [--data DIR] [--host ADDR] [--port N] [--tls off|self-signed|files]
                    [--tls-cert FILE --tls-key FILE] [--public-url URL]
      Run the console. Defaults: data ./data, 127.0.0.1:8080, plain HTTP on loopback.
      Listening beyond loopback needs TLS; "self-signed" makes a certificate on first start.
  gatehouse-console audit verify [--data DIR]
      Check the audit log's hash chain; exit 0 when it holds, 1 naming the first bad entry.

Environment: GATEHOUSE_DATA, GATEHOUSE_HOST, GATEHOUSE_PORT, GATEHOUSE_TLS, GATEHOUSE_TLS_CERT,
GATEHOUSE_TLS_KEY, GATEHOUSE_PUBLIC_URL, GATEHOUSE_ADMIN_PASSWORD (first start only).
`;

async function main(argv: string[]): Promise<number> {
  const command = argv[0] && !argv[0].startsWith('-') ? argv[0] : 'serve';
  const rest = command === argv[0] ? argv.slice(1) : argv;
  const sub = command === 'audit' ? rest[0] : undefined;
  const { values } = parseArgs({
    args: command === 'audit' ? rest.slice(1) : rest,
    options: {
      data: { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      tls: { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'public-url': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help || command === 'help') {
    process.stdout.write(usage);
    return 0;
  }
  const config = await loadConfig({
    dataDir: values.data,
    host: values.host,
    port: values.port,
    tls: values.tls,
    tlsCert: values['tls-cert'],
    tlsKey: values['tls-key'],
    publicUrl: values['public-url'],
  });

  if (command === 'audit') {
    if (sub !== 'verify') {
      process.stderr.write(`unknown audit command "${sub ?? ''}"\n\n${usage}`);
      return 2;
    }
    const storage = await openSqliteStorage(join(config.dataDir, 'gatehouse.db'));
    await storage.migrate();
    const result = await storage.verifyAudit();
    await storage.close();
    if (result.ok) {
      process.stdout.write(`audit chain holds: ${result.checked} entries checked\n`);
      return 0;
    }
    process.stdout.write(`audit chain BROKEN at entry ${result.firstBadId}: ${result.reason ?? 'hash mismatch'} (${result.checked} entries checked)\n`);
    return 1;
  }
  if (command !== 'serve') {
    process.stderr.write(`unknown command "${command}"\n\n${usage}`);
    return 2;
  }

  const running = await startConsole(config);
  process.stdout.write(`Gatehouse console at ${running.url}\n`);
  if (running.generatedAdminPassword) {
    process.stdout.write(`Created user "admin" with password: ${running.generatedAdminPassword}\n(shown once; change it after logging in)\n`);
  }
  return new Promise<number>((resolve) => {
    const stop = () => {
      void running.close().then(() => resolve(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

// A bug that leaves a promise rejected unhandled is logged, not fatal: one bad request must not take down
// every other session (an uncaught exception still ends the process, as its state can no longer be trusted).
process.on('unhandledRejection', (reason) => {
  log.error('unhandled rejection', { message: reason instanceof Error ? (reason.stack ?? reason.message) : String(reason) });
});

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const message = err instanceof ConfigError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err);
    process.stderr.write(`gatehouse-console: ${message}\n`);
    process.exit(err instanceof ConfigError ? 2 : 1);
  },
);
