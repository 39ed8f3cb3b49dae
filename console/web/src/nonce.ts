/**
 * The console stamps a fresh nonce into `<meta name="csp-nonce">` on every page load and allows only styles
 * carrying it (besides our own stylesheet files). Mantine and CodeMirror inject <style> elements, so both get it.
 */
let cached: string | undefined;

export function cspNonce(): string {
  if (cached === undefined) {
    cached = document.querySelector<HTMLMetaElement>('meta[name="csp-nonce"]')?.content ?? '';
  }
  return cached;
}

/**
 * Hand the nonce to libraries that inject <style> elements on their own: react-remove-scroll (behind every
 * Mantine modal and drawer) asks the `get-nonce` package, which reads the webpack-era global.
 */
export function shareNonceWithStyleInjectors(): void {
  (globalThis as { __webpack_nonce__?: string }).__webpack_nonce__ = cspNonce();
}
