import type { Post } from '@rescue/webhooks';

/**
 * One delivery over Node's fetch (undici): a POST with a hard timeout that covers connecting and the
 * response headers. Redirects are not followed (a 3xx is a failure: the admin fixes the URL); the
 * response body is not read, only discarded, so a receiver cannot make us buffer anything.
 */
export const fetchPost: Post = async (url, headers, body, timeoutMs) => {
  const res = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  await res.body?.cancel().catch(() => undefined);
  return { status: res.status };
};
