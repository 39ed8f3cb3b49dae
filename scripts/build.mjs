// `npm run build`: compile the console and agent to dist/ and the web app to console/web/dist/.
import { build } from './ready.mjs';

try {
  build();
} catch (err) {
  process.stderr.write(`gatehouse: build failed: ${err.message}\n`);
  process.exit(1);
}
