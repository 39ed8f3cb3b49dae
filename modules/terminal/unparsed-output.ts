/**
 * Output a terminal's screen has not parsed yet, kept raw and bounded.
 *
 * Parsing every byte into the headless terminal was half of the agent's CPU during a flood, and while a window
 * is attached nobody looks at the agent's copy: it matters only when a window re-attaches. So the screen parses
 * output late (see screen.ts) and, during a flood, only its newest part: when more than `limitBytes` waits
 * here, the oldest part is forgotten and only the newest `keepBytes` or so are kept.
 *
 * The trade-off: a screen after a megabyte of output depends, in practice, only on its last part — scrolling
 * text has replaced every row and the scrollback, and a full-screen program has redrawn its view many times
 * over. What the last part does not carry is state set once and kept: the alternate screen, mouse reporting,
 * application cursor keys, bracketed paste (all DEC private modes, `CSI ? Pm h/l`), the application keypad
 * (`ESC =`/`ESC >`) and the window title (`OSC 0/2`). The forgotten part is scanned for those — a search for
 * ESC bytes, far cheaper than parsing — and their last settings are replayed before the kept part, so vim,
 * less or tmux flooding the screen still re-attach on the alternate screen with their modes. Other state
 * set only in the forgotten part (a scroll region, colours in effect, a character set) is lost, and rows the
 * kept part did not overwrite (the top of the scrollback) show older output; a restore after such a flood
 * can differ from the live screen in those details.
 */

const ESC = 0x1b;
const BEL = 0x07;
/** CAN: ends any escape sequence the parser was inside when the bytes after it were forgotten. */
const cancelSequence = Buffer.from([0x18]);
/** The kept part starts at a line or escape sequence found this close to the cut, so it starts on a boundary. */
const boundarySearchBytes = 4096;
/** A title longer than this is not replayed (the contract bounds titles far below it anyway). */
const maxReplayedTitleBytes = 1024;

export interface UnparsedOutputOptions {
  /** Most raw bytes held; beyond this the oldest part is forgotten. */
  readonly limitBytes: number;
  /** About how many of the newest bytes survive a trim. */
  readonly keepBytes: number;
}

export class UnparsedOutput {
  readonly #limit: number;
  readonly #keep: number;
  #chunks: Buffer[] = [];
  #bytes = 0;
  /** What the forgotten output left set, replayed before the kept part; undefined while nothing was forgotten. */
  #forgotten: ForgottenState | undefined;
  #forgottenBytes = 0;

  constructor(options: UnparsedOutputOptions) {
    this.#limit = options.limitBytes;
    this.#keep = Math.min(options.keepBytes, options.limitBytes);
  }

  /** Raw bytes held. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Bytes forgotten since the last take (for tests and diagnostics). */
  get forgottenBytes(): number {
    return this.#forgottenBytes;
  }

  push(chunk: Buffer): void {
    if (chunk.byteLength === 0) return;
    this.#chunks.push(chunk);
    this.#bytes += chunk.byteLength;
    if (this.#bytes > this.#limit) this.#trim();
  }

  /**
   * Everything held, in pieces of at most `pieceBytes`, for the parser, in order: first (after a trim) the
   * replay of what the forgotten part left set, then the kept output. Nothing is held afterwards.
   */
  take(pieceBytes: number): Buffer[] {
    const pieces: Buffer[] = [];
    if (this.#forgotten) pieces.push(this.#forgotten.replay());
    this.#forgotten = undefined;
    this.#forgottenBytes = 0;
    let group: Buffer[] = [];
    let groupBytes = 0;
    const close = () => {
      if (groupBytes > 0) pieces.push(group.length === 1 ? group[0]! : Buffer.concat(group, groupBytes));
      group = [];
      groupBytes = 0;
    };
    for (const chunk of this.#chunks) {
      for (let at = 0; at < chunk.byteLength; ) {
        const part = chunk.subarray(at, at + (pieceBytes - groupBytes));
        group.push(part);
        groupBytes += part.byteLength;
        at += part.byteLength;
        if (groupBytes >= pieceBytes) close();
      }
    }
    close();
    this.#chunks = [];
    this.#bytes = 0;
    return pieces;
  }

  clear(): void {
    this.#chunks = [];
    this.#bytes = 0;
    this.#forgotten = undefined;
    this.#forgottenBytes = 0;
  }

  /** Forget the oldest output, keeping at least `keep` bytes, and note what it left set. */
  #trim(): void {
    const dropped: Buffer[] = [];
    let droppedBytes = 0;
    while (this.#chunks.length > 1 && this.#bytes - this.#chunks[0]!.byteLength >= this.#keep) {
      const chunk = this.#chunks.shift()!;
      dropped.push(chunk);
      droppedBytes += chunk.byteLength;
      this.#bytes -= chunk.byteLength;
    }
    if (droppedBytes === 0) return; // one read larger than the limit: held whole until it is taken
    // Start what is kept on a boundary: after a line feed or at an ESC, whichever comes first. Not inside an
    // escape sequence (whose rest would be printed as text) nor inside a UTF-8 character (both are ASCII).
    const first = this.#chunks[0]!;
    const searched = first.subarray(0, boundarySearchBytes);
    const lineFeed = searched.indexOf(0x0a);
    const escape = searched.indexOf(ESC);
    const onBoundary = dropped.at(-1)!.at(-1) === 0x0a;
    const cut = onBoundary ? 0 : lineFeed === -1 ? escape : escape === -1 ? lineFeed + 1 : Math.min(lineFeed + 1, escape);
    if (cut > 0) {
      dropped.push(first.subarray(0, cut));
      droppedBytes += cut;
      this.#chunks[0] = first.subarray(cut);
      this.#bytes -= cut;
    }
    this.#forgotten ??= new ForgottenState();
    this.#forgotten.scan(dropped.length === 1 ? dropped[0]! : Buffer.concat(dropped, droppedBytes));
    this.#forgottenBytes += droppedBytes;
  }
}

/** The lasting state that forgotten output set: the last setting of each DEC private mode, keypad and title. */
class ForgottenState {
  /** Mode number → set (`h`) or reset (`l`), in the order of the last change. */
  readonly #modes = new Map<number, 'h' | 'l'>();
  #keypad: '=' | '>' | undefined;
  #title: Buffer | undefined;

  scan(bytes: Buffer): void {
    for (let at = bytes.indexOf(ESC); at !== -1; at = bytes.indexOf(ESC, at + 1)) {
      const next = bytes[at + 1];
      if (next === 0x5b /* [ */ && bytes[at + 2] === 0x3f /* ? */) this.#privateModes(bytes, at + 3);
      else if (next === 0x3d /* = */ || next === 0x3e /* > */) this.#keypad = next === 0x3d ? '=' : '>';
      else if (next === 0x5d /* ] */) this.#osc(bytes, at + 2);
    }
  }

  /** The bytes that put a parser into the same state: cancel whatever was cut off, then the settings. */
  replay(): Buffer {
    const parts: Buffer[] = [cancelSequence];
    for (const [mode, setting] of this.#modes) parts.push(Buffer.from(`\x1b[?${mode}${setting}`, 'latin1'));
    if (this.#keypad) parts.push(Buffer.from(`\x1b${this.#keypad}`, 'latin1'));
    if (this.#title) parts.push(Buffer.from('\x1b]2;', 'latin1'), this.#title, Buffer.from([BEL]));
    return Buffer.concat(parts);
  }

  /** `CSI ? Pm h` or `CSI ? Pm l` starting at `at` (after the `?`); anything else is ignored. */
  #privateModes(bytes: Buffer, at: number): void {
    const numbers: number[] = [];
    let value = -1;
    for (let i = at; i < bytes.byteLength && i < at + 64; i++) {
      const byte = bytes[i]!;
      if (byte >= 0x30 && byte <= 0x39) {
        value = (value < 0 ? 0 : value * 10) + (byte - 0x30);
        if (value > 99_999) return;
      } else if (byte === 0x3b /* ; */) {
        if (value >= 0) numbers.push(value);
        value = -1;
      } else if (byte === 0x68 /* h */ || byte === 0x6c /* l */) {
        if (value >= 0) numbers.push(value);
        for (const mode of numbers) {
          this.#modes.delete(mode);
          this.#modes.set(mode, byte === 0x68 ? 'h' : 'l');
        }
        return;
      } else {
        return;
      }
    }
  }

  /** `OSC 0;title` or `OSC 2;title`, ended by BEL or ST, starting at `at` (after the `]`). */
  #osc(bytes: Buffer, at: number): void {
    const kind = bytes[at];
    if ((kind !== 0x30 && kind !== 0x32) || bytes[at + 1] !== 0x3b) return;
    const start = at + 2;
    for (let i = start; i < bytes.byteLength && i <= start + maxReplayedTitleBytes; i++) {
      const byte = bytes[i]!;
      if (byte === BEL || (byte === ESC && bytes[i + 1] === 0x5c /* \ */)) {
        this.#title = Buffer.from(bytes.subarray(start, i));
        return;
      }
      if (byte === 0x18 || byte === 0x1a || (byte === ESC && bytes[i + 1] !== 0x5c)) return; // cancelled
    }
  }
}
