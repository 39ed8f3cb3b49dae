/**
 * A terminal's screen kept on the agent: a headless xterm.js fed with the bytes the shell prints, so a page
 * that re-attaches gets the screen (and scrollback) back, alternate screen and modes included.
 *
 * Parsing is the most expensive thing the agent does with output, so it is done late and in bulk, off the path
 * that carries output to the window: bytes wait raw (UnparsedOutput) and are parsed when the output slows
 * (at most `catchUpMs` later) or when the screen is needed (a snapshot for a re-attaching window, a resize).
 * During a flood only the newest megabyte or so is kept for the parser; unparsed-output.ts says what that
 * costs a restore.
 */
import type { Terminal as HeadlessTerminal } from '@xterm/headless';
import type { SerializeAddon } from '@xterm/addon-serialize';
import { UnparsedOutput } from './unparsed-output.js';

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

/**
 * Output waits unparsed at most this long while it arrives slower than `trickleBytes` per interval; faster than
 * that it is a flood, and it waits until the output pauses for an interval (or is needed).
 */
const catchUpMs = 100;
const trickleBytes = 64 * 1024;
/** Unparsed output kept through a flood, and about how much of it survives a trim (unparsed-output.ts). */
const unparsedLimitBytes = 1024 * 1024;
const unparsedKeepBytes = 512 * 1024;
/** Bytes handed to the parser in one write: xterm.js yields to other work between writes, not inside one. */
const parsePieceBytes = 64 * 1024;

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
  /** Output not handed to the parser yet. */
  readonly #waiting = new UnparsedOutput({ limitBytes: unparsedLimitBytes, keepBytes: unparsedKeepBytes });
  /** Bytes handed to the parser and not yet parsed: xterm.js parses in time slices, off the write call. */
  #backlog = 0;
  /** Bytes fed since the last catch-up tick, to tell a trickle from a flood. */
  #fedSinceTick = 0;
  #catchUpTimer: NodeJS.Timeout | undefined;
  /** The size last asked for; the parser takes it once the output before it is parsed. */
  #cols: number;
  #rows: number;
  #onParsed: ((backlog: number) => void) | undefined;
  #disposed = false;
  /** Snapshots waiting for the parser; a disposed terminal never calls back, so dispose ends them. */
  readonly #snapshotWaiters = new Set<() => void>();

  constructor(options: ScreenOptions) {
    const { Terminal, SerializeAddon } = loaded();
    this.#cols = options.cols;
    this.#rows = options.rows;
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
    return this.#cols;
  }

  get rows(): number {
    return this.#rows;
  }

  /** Bytes handed to the parser and not yet parsed; the session pauses the shell while this is large. */
  get backlog(): number {
    return this.#backlog;
  }

  /** Bytes not parsed yet, waiting or in the parser; bounded by the backlog's limit plus one parse. */
  get unparsed(): number {
    return this.#waiting.bytes + this.#backlog;
  }

  /** Called each time the parser has taken in a fed chunk, with the backlog left. */
  set onParsed(listener: ((backlog: number) => void) | undefined) {
    this.#onParsed = listener;
  }

  /** Output from the shell; parsed later (see above). Costs a push: this is on every output chunk's path. */
  feed(bytes: Buffer): void {
    if (this.#disposed) return;
    this.#waiting.push(bytes);
    this.#fedSinceTick += bytes.byteLength;
    if (!this.#catchUpTimer) {
      this.#catchUpTimer = setTimeout(() => this.#catchUpTick(), catchUpMs);
      this.#catchUpTimer.unref();
    }
  }

  resize(cols: number, rows: number): void {
    if (this.#disposed) return;
    this.#cols = cols;
    this.#rows = rows;
    // Output printed before the resize was laid out at the old size: it is parsed at that size, then the
    // parser resizes (in order: xterm.js calls a write's callback before it parses the next write).
    this.#parseWaiting();
    this.#terminal.write('', () => {
      if (!this.#disposed) this.#terminal.resize(cols, rows);
    });
  }

  /**
   * The screen as bytes that redraw it in a fresh terminal of the same size: scrollback, colours, modes, the
   * alternate screen and the cursor's position. Parses everything fed before first. Empty once disposed.
   */
  async snapshot(): Promise<Buffer> {
    if (!this.#disposed) {
      this.#parseWaiting();
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
    clearTimeout(this.#catchUpTimer);
    this.#waiting.clear();
    this.#terminal.dispose();
    for (const resolve of this.#snapshotWaiters) resolve();
    this.#snapshotWaiters.clear();
  }

  /** Parse what waits if the output has slowed to a trickle or stopped; keep ticking while any waits. */
  #catchUpTick(): void {
    this.#catchUpTimer = undefined;
    if (this.#disposed) return;
    const flooding = this.#fedSinceTick > trickleBytes;
    this.#fedSinceTick = 0;
    if (!flooding) this.#parseWaiting();
    if (this.#waiting.bytes > 0) {
      this.#catchUpTimer = setTimeout(() => this.#catchUpTick(), catchUpMs);
      this.#catchUpTimer.unref();
    }
  }

  /** Hand everything waiting to the parser, in pieces it can yield between. */
  #parseWaiting(): void {
    if (this.#waiting.bytes === 0 && this.#waiting.forgottenBytes === 0) return;
    for (const piece of this.#waiting.take(parsePieceBytes)) {
      this.#backlog += piece.byteLength;
      this.#terminal.write(piece, () => {
        this.#backlog -= piece.byteLength;
        this.#onParsed?.(this.#backlog);
      });
    }
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
