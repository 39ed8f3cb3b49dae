import { type DeliveryOutcome, delivered, failed } from './notification.js';

/**
 * One POST for the webhook and SMS channels, and what its answer means for a retry. Redirects are not followed
 * (a receiver must not move our request — and its signature — somewhere else); the answer's body is not read.
 */
export async function postOnce(url: URL, headers: Record<string, string>, body: string, timeoutMs: number): Promise<DeliveryOutcome> {
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    const name = (err as Error).name;
    // Refused, reset, DNS failure or timeout: the receiver may be back in a minute.
    return failed(name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (cause ?? (err as Error).message), true);
  }
  await response.body?.cancel().catch(() => undefined);
  return outcomeOfStatus(response.status);
}

/** 2xx delivered; 5xx, 408 and 429 are worth another try; any other answer will not change by asking again. */
export function outcomeOfStatus(status: number): DeliveryOutcome {
  if (status >= 200 && status < 300) return delivered(`HTTP ${status}`);
  if (status >= 500 || status === 408 || status === 429) return failed(`HTTP ${status}`, true);
  return failed(`HTTP ${status}`, false);
}
