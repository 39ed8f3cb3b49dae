/**
 * A terminal's screen kept on the agent: a headless xterm.js fed with every byte the shell prints, so a page
 * that re-attaches gets the screen (and scrollback) back exactly, alternate screen and modes included.
 */
import type { Terminal as HeadlessTerminal } from '@xterm/headless';
import type { SerializeAddon } from '@xterm/addon-serialize';

interface ScreenLibrary {
  Terminal: typeof HeadlessTerminal;
  SerializeAddon: typeof SerializeAddon;
}

let library: ScreenLibrary | undefined;
let loading: Promise<ScreenLibrary> | undefined;

/**
 * Load the headless terminal before the first Screen is made. It is loaded on first use, not at start-up, so
 * an agent whose owner never opens a terminal does not carry it in memory.
 */
export function loadScreenLibrary(): Promise<ScreenLibrary> {
  loading ??= Promise.all([import('@xterm/headless'), import('@xterm/addon-serialize')]).then(([headless, serialize]) => {
    // A CommonJS bundle whose names Node's ESM loader cannot see; its default export is the module object.
    const headlessModule = (headless as unknown as { default?: { Terminal: typeof HeadlessTerminal } }).default ?? headless;
    const serializeModule = (serialize as unknown as { default?: { SerializeAddon: typeof SerializeAddon } }).default ?? serialize;
    library = { Terminal: headlessModule.Terminal, SerializeAddon: serializeModule.SerializeAddon };
    return library;
  });
  return loading;
}

function loaded(): ScreenLibrary {
  if (!library) throw new Error('loadScreenLibrary() must complete before a Screen is made');
  return library;
}

/** The contract's bound on a title. */
const maxTitleLength = 200;

export interface ScreenOptions {
  readonly cols: number;
  readonly rows: number;
  /** Lines kept above the screen; bounds the memory of a detached session and the size of a restore. */
  readonly scrollback: number;
  /** The shell set the window title (OSC 0/2); already made safe and bounded. */
  readonly onTitle: (title: string) => void;
}

export class Screen {
  readonly #terminal: HeadlessTerminal;
  readonly #serializer: SerializeAddon;
  /** Bytes handed to the parser and not yet parsed: xterm.js parses in time slices, off this call. */
  #backlog = 0;
  #onParsed: ((backlog: number) => void) | undefined;
  #disposed = false;
  /** Snapshots waiting for the parser; a disposed terminal never calls back, so dispose ends them. */
  readonly #snapshotWaiters = new Set<() => void>();

  constructor(options: ScreenOptions) {
    const { Terminal, SerializeAddon } = loaded();
    this.#serializer = new SerializeAddon();
    this.#terminal = new Terminal({
      cols: options.cols,
      rows: options.rows,
      scrollback: options.scrollback,
      allowProposedApi: true,
    });
    // The addon is typed against the browser build's Terminal; the headless one has the same API it uses.
    this.#terminal.loadAddon(this.#serializer as unknown as Parameters<HeadlessTerminal['loadAddon']>[0]);
    this.#terminal.onTitleChange((title) => options.onTitle(boundedTitle(title)));
  }

  get cols(): number {
    return this.#terminal.cols;
  }

  get rows(): number {
    return this.#terminal.rows;
  }

  /** Bytes waiting to be parsed; the session pauses the shell while this is large. */
  get backlog(): number {
    return this.#backlog;
  }

  /** Called each time the parser has taken in a fed chunk, with the backlog left. */
  set onParsed(listener: ((backlog: number) => void) | undefined) {
    this.#onParsed = listener;
  }

  feed(bytes: Uint8Array): void {
    if (this.#disposed) return;
    this.#backlog += bytes.byteLength;
    this.#terminal.write(bytes, () => {
      this.#backlog -= bytes.byteLength;
      this.#onParsed?.(this.#backlog);
    });
  }

  resize(cols: number, rows: number): void {
    if (!this.#disposed) this.#terminal.resize(cols, rows);
  }

  /**
   * The screen as bytes that redraw it in a fresh terminal of the same size: scrollback, colours, modes, the
   * alternate screen and the cursor's position. Waits for the parser to catch up with everything fed before.
   * Empty once disposed.
   */
  async snapshot(): Promise<Buffer> {
    if (!this.#disposed) {
      await new Promise<void>((resolve) => {
        this.#snapshotWaiters.add(resolve);
        this.#terminal.write('', () => {
          this.#snapshotWaiters.delete(resolve);
          resolve();
        });
      });
    }
    return this.#disposed ? Buffer.alloc(0) : Buffer.from(this.#serializer.serialize(), 'utf8');
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#onParsed = undefined;
    this.#terminal.dispose();
    for (const resolve of this.#snapshotWaiters) resolve();
    this.#snapshotWaiters.clear();
  }
}

/**
 * A title as the contract allows it: no control characters (a title is shown as text, and everything from the
 * host is hostile), at most 200 UTF-16 units, never ending in half a surrogate pair.
 */
export function boundedTitle(title: string): string {
  // eslint-disable-next-line no-control-regex
  let bounded = title.replace(/[\u0000-\u001f\u007f-\u009f]/g, '').slice(0, maxTitleLength);
  if (/[\ud800-\udbff]$/.test(bounded)) bounded = bounded.slice(0, -1);
  return bounded;
}
