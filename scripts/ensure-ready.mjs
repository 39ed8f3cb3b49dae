// `npm start`'s prestart step: dependencies and build, only when they are missing or out of date.
import { ensureBuilt, ensureDependencies } from './ready.mjs';

try {
  ensureDependencies();
  ensureBuilt();
} catch (err) {
  process.stderr.write(`gatehouse: could not get ready to start: ${err.message}\n`);
  process.exit(1);
}
