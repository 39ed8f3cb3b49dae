/**
 * The bell's tone: two short, soft beeps made with WebAudio (no audio files, nothing for the CSP to allow).
 * Browsers keep audio locked until the page has had a click, so the context is made when the operator turns
 * the sound on, and resumed on later plays where the browser allows it.
 */

let context: AudioContext | null = null;

/** Make (or wake) the audio context; call from a click so the browser lets it play. */
export function unlockAlarmTone(): void {
  if (typeof window === 'undefined' || typeof window.AudioContext !== 'function') return;
  context ??= new window.AudioContext();
  if (context.state === 'suspended') void context.resume().catch(() => undefined);
}

function beep(audio: AudioContext, frequency: number, start: number, length: number): void {
  const oscillator = audio.createOscillator();
  const gain = audio.createGain();
  oscillator.type = 'sine';
  oscillator.frequency.value = frequency;
  // A quick rise and fall, so the beep does not click; quiet enough for a control room at night.
  gain.gain.setValueAtTime(0, start);
  gain.gain.linearRampToValueAtTime(0.12, start + 0.02);
  gain.gain.linearRampToValueAtTime(0, start + length);
  oscillator.connect(gain).connect(audio.destination);
  oscillator.start(start);
  oscillator.stop(start + length + 0.02);
}

/** Play the tone once; does nothing where audio is unavailable or still locked. */
export function playAlarmTone(): void {
  unlockAlarmTone();
  if (!context || context.state !== 'running') return;
  const now = context.currentTime;
  beep(context, 880, now, 0.16);
  beep(context, 660, now + 0.22, 0.16);
}

const storageKey = 'gatehouse.alarm-sound';

/** Whether the operator turned the sound on (muted until they do, in this browser). */
export function alarmSoundWanted(): boolean {
  try {
    return window.localStorage.getItem(storageKey) === 'on';
  } catch {
    return false;
  }
}

export function rememberAlarmSound(on: boolean): void {
  try {
    window.localStorage.setItem(storageKey, on ? 'on' : 'off');
  } catch {
    // Private mode or storage full: the choice lasts until the page is reloaded.
  }
}
