/**
 * The browser's half of WebAuthn, through `@simplewebauthn/browser`: the console makes the options, the browser's
 * authenticator answers, the console verifies. Only works where the browser offers WebAuthn (HTTPS or localhost).
 */
import { browserSupportsWebAuthn, startAuthentication, startRegistration } from '@simplewebauthn/browser';
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/browser';

export function passkeysSupported(): boolean {
  return browserSupportsWebAuthn();
}

export async function answerRegistration(options: unknown) {
  return startRegistration({ optionsJSON: options as PublicKeyCredentialCreationOptionsJSON });
}

export async function answerAuthentication(options: unknown) {
  return startAuthentication({ optionsJSON: options as PublicKeyCredentialRequestOptionsJSON });
}

/** A message for a refusal from the browser (cancelled, timed out, no key) rather than from the console. */
export function describePasskeyError(error: unknown): string | null {
  if (error instanceof Error && ['NotAllowedError', 'AbortError', 'InvalidStateError', 'SecurityError'].includes(error.name)) {
    if (error.name === 'InvalidStateError') return 'This security key is already registered.';
    if (error.name === 'SecurityError') return 'The browser refused: security keys need the console\'s own name over HTTPS (or localhost).';
    return 'The security key did not answer, or the request was cancelled.';
  }
  return null;
}
