/**
 * The text of a recording, for searching: what was printed, without the terminal's control sequences, with the
 * time each piece appeared. An escape sequence may be split across events, so one scanner runs over them all.
 */
import type { CastEvent } from './asciicast.js';

export interface CastText {
  /** The printed text: escape sequences removed, carriage returns dropped, other controls as spaces. */
  text: string;
  /** For each output event, where its text starts in `text`, and its time; sorted by both. */
  starts: Int32Array;
  times: number[];
}

export interface CastMatch {
  time: number;
  /** The matched text with a little on each side, on one line. */
  before: string;
  match: string;
  after: string;
}

type ScanState = 'text' | 'escape' | 'csi' | 'string' | 'string-escape' | 'charset';

/** Strip control sequences from the output events, remembering where each event's text begins. */
export function castText(events: readonly CastEvent[]): CastText {
  const pieces: string[] = [];
  const starts: number[] = [];
  const times: number[] = [];
  let length = 0;
  let state: ScanState = 'text';
  for (const event of events) {
    if (event.type !== 'o') continue;
    starts.push(length);
    times.push(event.time);
    let piece = '';
    for (let i = 0; i < event.data.length; i += 1) {
      const c = event.data.charCodeAt(i);
      switch (state) {
        case 'text':
          if (c === 0x1b) state = 'escape';
          else if (c === 0x0a) piece += '\n';
          else if (c === 0x09) piece += '\t';
          else if (c === 0x0d || c === 0x07 || c === 0x08 || c === 0x7f) {
            // carriage return, bell, backspace, delete: nothing to read
          } else if (c < 0x20 || (c >= 0x80 && c < 0xa0)) piece += ' ';
          else piece += event.data[i];
          break;
        case 'escape':
          if (c === 0x5b) state = 'csi'; // ESC [
          else if (c === 0x5d || c === 0x50 || c === 0x5f || c === 0x5e || c === 0x58) state = 'string'; // OSC, DCS, APC, PM, SOS
          else if (c === 0x28 || c === 0x29 || c === 0x2a || c === 0x2b || c === 0x23 || c === 0x25 || c === 0x20) state = 'charset';
          else state = 'text';
          break;
        case 'csi':
          // Parameters and intermediates until a final byte in @–~.
          if (c >= 0x40 && c <= 0x7e) state = 'text';
          else if (c === 0x1b) state = 'escape';
          break;
        case 'string':
          if (c === 0x07) state = 'text';
          else if (c === 0x1b) state = 'string-escape';
          break;
        case 'string-escape':
          state = c === 0x5c ? 'text' : 'string';
          break;
        case 'charset':
          state = 'text';
          break;
      }
    }
    pieces.push(piece);
    length += piece.length;
  }
  return { text: pieces.join(''), starts: Int32Array.from(starts), times };
}

function eventAt(index: CastText, offset: number): number {
  let low = 0;
  let high = index.starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >>> 1;
    if (index.starts[middle]! <= offset) low = middle;
    else high = middle - 1;
  }
  return low;
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ');

/** Case-insensitive matches of `needle`, in order, at most `limit`; each with the time it appeared on screen. */
export function searchCast(index: CastText, needle: string, limit = 200): { matches: CastMatch[]; more: boolean } {
  const wanted = needle.toLowerCase();
  const matches: CastMatch[] = [];
  if (wanted.trim() === '' || index.starts.length === 0) return { matches, more: false };
  const haystack = index.text.toLowerCase();
  // Lower-casing can change the length of a few characters; then offsets are only near, which is fine for context.
  let from = 0;
  for (;;) {
    const at = haystack.indexOf(wanted, from);
    if (at < 0) return { matches, more: false };
    if (matches.length === limit) return { matches, more: true };
    // The time the match was complete on screen: the event holding its last character.
    const time = index.times[eventAt(index, at + wanted.length - 1)] ?? 0;
    matches.push({
      time,
      before: oneLine(index.text.slice(Math.max(0, at - 40), at)).trimStart(),
      match: oneLine(index.text.slice(at, at + wanted.length)),
      after: oneLine(index.text.slice(at + wanted.length, at + wanted.length + 40)).trimEnd(),
    });
    from = at + Math.max(1, wanted.length);
  }
}
