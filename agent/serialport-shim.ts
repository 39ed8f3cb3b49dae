/**
 * Stands in for the `serialport` package inside the single-file agent (agent/bundle.config.ts aliases it here).
 * modbus-serial requires serialport when it loads, but serialport's native binding cannot travel inside a
 * script, and loading it at start would stop every module. Here the real package is loaded only when a serial
 * line is opened, from a node_modules folder above the agent (as node-pty is); Modbus TCP never needs it.
 */
import { createRequire } from 'node:module';

type SerialPortModule = { SerialPort: new (...args: unknown[]) => object; [key: string]: unknown };

let real: SerialPortModule | undefined;

function load(): SerialPortModule {
  if (real) return real;
  try {
    // A specifier in a variable, so the bundler leaves it to run time.
    const specifier = 'serialport';
    real = createRequire(import.meta.url)(specifier) as SerialPortModule;
    return real;
  } catch (err) {
    throw new Error(`Modbus RTU needs the serialport package beside the agent (npm install --prefix /usr/local serialport): ${(err as Error).message}`);
  }
}

/** Constructing it constructs the real SerialPort (a constructor may return another object). */
export class SerialPort {
  constructor(...args: unknown[]) {
    const { SerialPort: Real } = load();
    return new Real(...args);
  }

  static list(): Promise<unknown[]> {
    return (load().SerialPort as unknown as { list(): Promise<unknown[]> }).list();
  }
}
