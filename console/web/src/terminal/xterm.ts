/**
 * One way to make an xterm.js terminal for this app, used by the Terminal tab and the recording player: the
 * calm dark theme, a monospace font with CJK fallback from the system (the CSP allows no external fonts), links
 * that open in a new tab without a way back to this page, and the two fixes that let xterm.js 6 live under our
 * CSP (style-src 'self' 'nonce-…').
 */
import '@xterm/xterm/css/xterm.css';
import './terminal.css';
import { Terminal, type ITerminalOptions, type ITheme } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { cspNonce } from '../nonce.js';

/**
 * Latin first, then the CJK faces a Linux, macOS or Windows desktop usually has, so Chinese text gets a real
 * glyph instead of a box. xterm.js lays wide characters on two cells whatever the font's own width.
 */
export const terminalFontFamily = [
  'ui-monospace',
  'SFMono-Regular',
  '"SF Mono"',
  'Menlo',
  'Consolas',
  '"DejaVu Sans Mono"',
  '"Liberation Mono"',
  '"Noto Sans Mono CJK SC"',
  '"Noto Sans CJK SC"',
  '"Source Han Sans SC"',
  '"WenQuanYi Micro Hei Mono"',
  '"WenQuanYi Micro Hei"',
  '"PingFang SC"',
  '"Hiragino Sans GB"',
  '"Microsoft YaHei"',
  'monospace',
].join(', ');

/** A quiet dark palette: readable ANSI colours without neon, close to Mantine's dark greys. */
export const terminalTheme: ITheme = {
  background: '#17191e',
  foreground: '#d5d8de',
  cursor: '#a5b4fc',
  cursorAccent: '#17191e',
  selectionBackground: 'rgba(129, 140, 248, 0.35)',
  black: '#1f2229',
  red: '#e06c75',
  green: '#98c379',
  yellow: '#e5c07b',
  blue: '#61afef',
  magenta: '#c678dd',
  cyan: '#56b6c2',
  white: '#c8ccd4',
  brightBlack: '#5c6370',
  brightRed: '#ef8891',
  brightGreen: '#b0d895',
  brightYellow: '#f0d197',
  brightBlue: '#82c0f5',
  brightMagenta: '#d49ae6',
  brightCyan: '#7dcbd5',
  brightWhite: '#eef0f4',
};

export interface TerminalHandle {
  term: Terminal;
  fit: FitAddon;
  dispose(): void;
}

/** Links the shell prints open in a new tab, never able to reach back into this page (reverse tabnapping). */
function openLink(event: MouseEvent, uri: string): void {
  event.preventDefault();
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return;
  window.open(url.href, '_blank', 'noopener,noreferrer');
}

/**
 * xterm.js 6 creates three <style> elements while it opens (theme, cell dimensions, scrollbar) and the CSP
 * drops any without the page's nonce. They are all made during open(), so for exactly that call every <style>
 * the document creates carries the nonce, as Mantine's and CodeMirror's do.
 */
function withNoncedStyles<T>(open: () => T): T {
  const nonce = cspNonce();
  const own = Object.getOwnPropertyDescriptor(document, 'createElement');
  const original = document.createElement;
  document.createElement = function createElement(this: Document, tagName: string, options?: ElementCreationOptions) {
    const element = original.call(this, tagName, options);
    if (element instanceof HTMLStyleElement) element.nonce = nonce;
    return element;
  } as typeof document.createElement;
  try {
    return open();
  } finally {
    if (own) Object.defineProperty(document, 'createElement', own);
    else delete (document as { createElement?: unknown }).createElement;
  }
}

interface RowFactory {
  _addStyle?: (element: HTMLElement, style: string) => void;
}

const patchedRowFactories = new WeakSet<object>();

/**
 * The DOM renderer paints true-colour cells with `setAttribute('style', …)`, which the CSP refuses (a style
 * attribute); the same declaration through the CSSOM is allowed. The row factory is internal to xterm.js, so
 * this reaches in carefully: if the shape ever changes, true-colour cells merely lose their colour.
 */
function paintTrueColourThroughCssom(term: Terminal): void {
  const core = (term as unknown as { _core?: { _renderService?: { _renderer?: { value?: { _rowFactory?: RowFactory } } } } })._core;
  const rowFactory = core?._renderService?._renderer?.value?._rowFactory;
  if (!rowFactory || typeof rowFactory._addStyle !== 'function') return;
  const prototype = Object.getPrototypeOf(rowFactory) as RowFactory;
  if (patchedRowFactories.has(prototype)) return;
  patchedRowFactories.add(prototype);
  prototype._addStyle = (element: HTMLElement, style: string) => {
    element.style.cssText += `${style};`;
  };
}

/** Create a terminal inside `container` (which must be in the document) with the app's look and add-ons. */
export function createTerminal(container: HTMLElement, options: ITerminalOptions = {}): TerminalHandle {
  const term = new Terminal({
    fontFamily: terminalFontFamily,
    fontSize: 14,
    lineHeight: 1.15,
    theme: terminalTheme,
    cursorBlink: true,
    scrollback: 5000,
    allowProposedApi: false,
    // Text copied from the terminal is the operator's; Alt+click moving the cursor would surprise.
    altClickMovesCursor: false,
    ...options,
  });
  const fit = new FitAddon();
  term.loadAddon(fit);
  term.loadAddon(new WebLinksAddon(openLink));
  withNoncedStyles(() => term.open(container));
  paintTrueColourThroughCssom(term);
  return {
    term,
    fit,
    dispose: () => term.dispose(),
  };
}

/** Fit to the container, quietly doing nothing while it is hidden (no size to fit to). */
export function fitTerminal(handle: TerminalHandle): void {
  const proposed = handle.fit.proposeDimensions();
  if (!proposed || !Number.isFinite(proposed.cols) || !Number.isFinite(proposed.rows)) return;
  if (proposed.cols < 2 || proposed.rows < 2) return;
  if (proposed.cols === handle.term.cols && proposed.rows === handle.term.rows) return;
  handle.term.resize(proposed.cols, proposed.rows);
}
