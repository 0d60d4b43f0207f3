// Verifying a reCAPTCHA token with its provider. Services depend on the CaptchaVerifier interface
// only: production posts to Google's siteverify (or a compatible endpoint, e.g. hCaptcha's or a
// self-hosted relay, through GATEHOUSE_CAPTCHA_VERIFY_URL); tests inject createTestCaptchaVerifier.
import type { Logger } from './logger.ts';

export interface CaptchaVerification {
  success: boolean;
  /** reCAPTCHA v3's score (0 bot … 1 human); null for v2 answers, which carry none. */
  score: number | null;
}

export interface CaptchaVerifier {
  /** Never throws for a refusal or an unreachable provider: both answer success false (fail closed). */
  verify(input: { secret: string; token: string; remoteIp?: string | null }): Promise<CaptchaVerification>;
}

export const DEFAULT_CAPTCHA_VERIFY_URL = 'https://www.google.com/recaptcha/api/siteverify';

export function createHttpCaptchaVerifier(o: { url: string; fetch?: typeof fetch; timeoutMs?: number }, logger: Logger): CaptchaVerifier {
  const doFetch = o.fetch ?? fetch;
  return {
    async verify({ secret, token, remoteIp }) {
      // siteverify takes a form body (application/x-www-form-urlencoded), not JSON.
      const form = new URLSearchParams({ secret, response: token });
      if (remoteIp) form.set('remoteip', remoteIp);
      try {
        const res = await doFetch(o.url, { method: 'POST', body: form, signal: AbortSignal.timeout(o.timeoutMs ?? 10_000) });
        if (!res.ok) {
          await res.arrayBuffer().catch(() => undefined);
          logger.error({ status: res.status }, 'captcha provider refused the verification request');
          return { success: false, score: null };
        }
        const body = (await res.json()) as { success?: unknown; score?: unknown };
        return { success: body.success === true, score: typeof body.score === 'number' ? body.score : null };
      } catch (error) {
        // A provider outage must not open the door: the login is refused (captcha_failed).
        logger.error({ err: error }, 'captcha provider unreachable');
        return { success: false, score: null };
      }
    },
  };
}

/**
 * Test double: accepts the tokens it was given (each with its score), refuses everything else,
 * and records what it was asked so tests can check the stored secret reached it.
 */
export function createTestCaptchaVerifier(accepted: Record<string, number | null> = {}) {
  const calls: Array<{ secret: string; token: string }> = [];
  const verifier: CaptchaVerifier & { calls: typeof calls; accepted: Record<string, number | null> } = {
    calls,
    accepted,
    async verify({ secret, token }) {
      calls.push({ secret, token });
      return Object.hasOwn(accepted, token) ? { success: true, score: accepted[token]! } : { success: false, score: null };
    },
  };
  return verifier;
}
