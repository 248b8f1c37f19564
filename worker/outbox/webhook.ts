// What a notice looks like on the wire: a Standard Webhooks message (standardwebhooks.com).
// The body is the notice (its fields at the top level, with the spec's `type` and `timestamp`);
// the headers are webhook-id (the same on every retry of one notice: receivers deduplicate on
// it), webhook-timestamp (this attempt, seconds) and webhook-signature (`v1,` + base64
// HMAC-SHA256 of "id.timestamp.body" with the agency's `whsec_` secret), signed by the
// `standardwebhooks` package itself so an agency's verifier and ours cannot disagree.
import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { notices } from '../../db/schema';

type Notice = typeof notices.$inferSelect;

/** Stable for the life of the notice: the receiver's idempotency key. */
export const webhookId = (noticeId: number) => `notice_${noticeId}`;

export function webhookBody(n: Notice): string {
  return JSON.stringify({
    type: `notice.${n.kind}`, timestamp: n.createdAt.toISOString(),
    id: n.id, kind: n.kind, rule: n.rule, subject: n.subject, detail: n.detail, createdAt: n.createdAt.toISOString(),
  });
}

/**
 * The pre-standard signature (X-JD-Signature: sha256=<hex HMAC of "<X-JD-Timestamp>.<body>">),
 * still sent to agencies whose secret predates Standard Webhooks: the key is the same bytes.
 */
export function legacySignature(secret: string, timestamp: string, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `sha256=${createHmac('sha256', key).update(`${timestamp}.${body}`).digest('hex')}`;
}

export function webhookHeaders(
  n: Notice, agency: { secret: string; legacySignature: boolean }, body: string, at: Date,
): Record<string, string> {
  const id = webhookId(n.id);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'joint-discipline-outbox',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(agency.secret).sign(id, at, body),
  };
  if (agency.legacySignature) {
    const timestamp = at.toISOString();
    Object.assign(headers, {
      'x-jd-notice-id': String(n.id), 'x-jd-timestamp': timestamp, 'x-jd-signature': legacySignature(agency.secret, timestamp, body),
    });
  }
  return headers;
}
