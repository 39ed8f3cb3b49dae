/**
 * `node dist/scripts/plant-sim/main.js --tcp-port 5020 [--host 127.0.0.1] [--rtu /dev/pts/N --baud 9600 --unit 1]
 *  [--http-port 5021] [--speed 1] [--fault pump1-trip]…`
 *
 * "Demo water works" as its own process, the way a real PLC is its own device: Modbus TCP (and RTU on a serial
 * path) for the agent, an HTTP port to inject faults and see the true state. Prints one JSON line on stdout once
 * listening: {"plantSim":{"tcpPort":…,"httpPort":…,"rtu":…}}.
 */
import { parseArgs } from 'node:util';
import { GatehouseError } from '../../modules/kernel/errors.js';
import { FaultBoard, parseFaultOption } from './faults.js';
import { serveFaultPort } from './http.js';
import { RegisterImage } from './image.js';
import { Plant } from './plant.js';
import { plantUnits } from './registers.js';
import { serveRtu, serveTcp, serviceVector, type RunningServer } from './server.js';

process.title = 'gatehouse plant-sim';

const usage = `plant-sim: a simulated water-treatment works ("Demo water works") answering Modbus.
  --tcp-port N     Modbus TCP port (default 5020; 0 = any free port)
  --host ADDR      address to listen on (default 127.0.0.1)
  --rtu PATH       also answer Modbus RTU on this serial path (e.g. one end of a socat pty pair)
  --baud N         RTU baud rate (default 9600)
  --unit N         unit id served on the RTU line; repeat for several (default: every unit, ${Object.keys(plantUnits).join(' and ')})
  --http-port N    fault and inspection port (GET /state, GET/POST/DELETE /faults); 0 = any free port; default off
  --speed X        plant time runs X times faster than the clock (default 1)
  --fault SPEC     start with a fault: pump1-trip, pump2-trip, sensor-stuck:TAG, sensor-out-of-range:TAG,
                   no-answer[:UNIT], slow:[UNIT]:MS; repeat for several`;

/** Tick of the physics and the register image, ms of wall time. */
const tickMs = 100;

function integer(name: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new GatehouseError('invalid-params', `--${name} must be a whole number from ${min} to ${max}, not ${JSON.stringify(text)}`);
  }
  return Number(text);
}

function parseOptions(argv: string[]) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        'tcp-port': { type: 'string' },
        host: { type: 'string' },
        rtu: { type: 'string' },
        baud: { type: 'string' },
        unit: { type: 'string', multiple: true },
        'http-port': { type: 'string' },
        speed: { type: 'string' },
        fault: { type: 'string', multiple: true },
        help: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (err) {
    throw new GatehouseError('invalid-params', (err as Error).message);
  }
  const v = parsed.values;
  const speed = v.speed === undefined ? 1 : Number(v.speed);
  if (!Number.isFinite(speed) || speed <= 0 || speed > 1000) throw new GatehouseError('invalid-params', `--speed must be a number above 0 and at most 1000, not ${JSON.stringify(v.speed)}`);
  const units = (v.unit ?? []).flatMap((u) => u.split(',')).map((u) => integer('unit', u, 1, 1, 247));
  for (const unit of units) {
    if (!Object.hasOwn(plantUnits, unit)) throw new GatehouseError('invalid-params', `--unit ${unit}: this plant has units ${Object.keys(plantUnits).join(', ')}`);
  }
  if (v.rtu !== undefined && !/^\/dev\/[A-Za-z0-9_./-]+$/.test(v.rtu)) throw new GatehouseError('invalid-params', `--rtu must be a device path under /dev, not ${JSON.stringify(v.rtu)}`);
  if (units.length > 0 && v.rtu === undefined) throw new GatehouseError('invalid-params', '--unit chooses the units on the RTU line; give --rtu too');
  return {
    help: v.help === true,
    host: v.host ?? '127.0.0.1',
    tcpPort: integer('tcp-port', v['tcp-port'], 5020, 0, 65535),
    httpPort: v['http-port'] === undefined ? undefined : integer('http-port', v['http-port'], 0, 0, 65535),
    rtu: v.rtu,
    baud: integer('baud', v.baud, 9600, 300, 921_600),
    rtuUnits: units.length > 0 ? units : Object.keys(plantUnits).map(Number),
    speed,
    faults: (v.fault ?? []).map(parseFaultOption),
  };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (options.help) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  const faults = new FaultBoard();
  for (const fault of options.faults) faults.apply(fault);
  const plant = new Plant({ isTripped: (pump) => faults.isTripped(pump) });
  const image = new RegisterImage(plant, faults);

  let last = performance.now();
  const tick = () => {
    const now = performance.now();
    // A stalled event loop (a loaded machine) must not make the plant jump: at most a second of wall time a tick.
    plant.advance((Math.min(now - last, 1000) / 1000) * options.speed);
    last = now;
    image.refresh();
  };
  tick();
  const ticker = setInterval(tick, tickMs);

  const servers: RunningServer[] = [];
  const allUnits = new Set(Object.keys(plantUnits).map(Number));
  const tcp = await serveTcp(serviceVector({ image, faults, units: allUnits, otherUnits: 'gateway-error' }), options.host, options.tcpPort);
  servers.push(tcp);
  if (options.rtu) {
    const vector = serviceVector({ image, faults, units: new Set(options.rtuUnits), otherUnits: 'silent' });
    servers.push(await serveRtu(vector, options.rtu, options.baud));
  }
  const http =
    options.httpPort === undefined
      ? undefined
      : await serveFaultPort(options.host, options.httpPort, {
          plant,
          faults,
          onFaultChange: () => {
            // Show a trip or a cleared fault at once rather than at the next tick.
            plant.advance(0.001);
            image.refresh();
          },
        });

  const shutdown = async () => {
    clearInterval(ticker);
    // Closing is polite, not required: never let a stuck socket keep a stopped PLC alive.
    setTimeout(() => process.exit(0), 2000).unref();
    http?.server.closeAllConnections();
    http?.server.close();
    await Promise.all(servers.map((s) => s.close()));
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown());
  process.once('SIGINT', () => void shutdown());

  process.stdout.write(
    `${JSON.stringify({ plantSim: { tcpPort: tcp.where, httpPort: http?.port ?? null, rtu: options.rtu ?? null, rtuUnits: options.rtu ? options.rtuUnits : [], units: plantUnits, speed: options.speed } })}\n`,
  );
}

main().catch((err: unknown) => {
  const code = err instanceof GatehouseError ? err.code : 'internal-error';
  process.stderr.write(`plant-sim: ${code}: ${err instanceof Error ? err.message : String(err)}\n`);
  if (code === 'invalid-params') process.stderr.write(`\n${usage}\n`);
  process.exit(code === 'invalid-params' ? 2 : 1);
});
