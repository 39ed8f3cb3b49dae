/**
 * The agent as one file, `dist/agent-bundle/gatehouse-agent.mjs`: everything it needs (its modules, zod, ws)
 * in a single script that runs on any machine with Node.js. The console serves it at /agent/gatehouse-agent.mjs
 * so a new machine can be enrolled with one command and no checkout.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * The agent finds module handlers by convention at run time (`../modules/<name>/agent.js`). A bundle has no
 * such files, so here that lookup becomes a table of every modules/<name>/agent.ts, built by Vite's glob.
 */
function bundledModuleHandlers(): Plugin {
  return {
    name: 'gatehouse-bundled-module-handlers',
    enforce: 'pre',
    transform(code, id) {
      if (!id.endsWith('/agent/modules.ts')) return undefined;
      const lookup = 'import(`../modules/${contract.name}/agent.js`)';
      if (!code.includes(lookup)) this.error('agent/modules.ts no longer loads handlers the way the bundle expects');
      return code.replace(lookup, "import.meta.glob('../modules/*/agent.ts')[`../modules/${contract.name}/agent.ts`]()");
    },
  };
}

export default defineConfig({
  root: repoRoot,
  logLevel: 'warn',
  plugins: [bundledModuleHandlers()],
  // node-pty is a native module and cannot travel inside a script; the bundle imports it from a node_modules
  // folder above its own (for /usr/local/bin/gatehouse-agent: `npm install --prefix /usr/local node-pty`) when
  // a terminal is first opened, and answers not-supported without it. Every other module works regardless.
  ssr: { noExternal: true, external: ['node-pty'], target: 'node' },
  // serialport has a native binding too; the shim loads the real one only when a serial line is opened.
  resolve: { alias: { serialport: fileURLToPath(new URL('./serialport-shim.ts', import.meta.url)) } },
  build: {
    ssr: 'agent/cli.ts',
    outDir: 'dist/agent-bundle',
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    sourcemap: false,
    rollupOptions: {
      output: { entryFileNames: 'gatehouse-agent.mjs', codeSplitting: false, banner: '#!/usr/bin/env node' },
    },
  },
});
