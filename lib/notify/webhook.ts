/**
 * Generic webhooks: the alert as a JSON document POSTed to a URL of the user's.
 *
 * @module
 */
import type { AlertFinding, AlertMessage } from "./alert_message.ts";
import { postJson, type SendOptions, type SendResult } from "./post_json.ts";

/** The document `sendWebhook` posts for an alert (version 1; README "Alerts"). */
export interface WebhookPayload {
  /** Always `"gestvenv"`. */
  source: "gestvenv";
  /** The schema version of this document: 1. */
  version: 1;
  /** What produced it: `health-check` for scheduled checks, `test` for `monitor alert test`. */
  event: string;
  /** ISO 8601 time the alert was made. */
  time: string;
  /** The host name of the machine, or undefined when it cannot be read. */
  host?: string | undefined;
  /** The alert's subject. */
  subject: string;
  /** The alert's plain-text body. */
  text: string;
  /** The findings (fingerprint, severity, title, detail, fix, environment). */
  findings: readonly AlertFinding[];
}

/**
 * The webhook document for `message`: {@linkcode WebhookPayload} with `event`, `time` (ISO 8601)
 * and `host` as given.
 */
export function webhookPayload(
  message: AlertMessage,
  event: string,
  time: Date,
  host?: string,
): WebhookPayload {
  return {
    source: "gestvenv",
    version: 1,
    event,
    time: time.toISOString(),
    ...(host === undefined ? {} : { host }),
    subject: message.subject,
    text: message.text,
    findings: message.findings,
  };
}

/**
 * POSTs `payload` as JSON (`Content-Type: application/json`) to `url`; any 2xx answer is success.
 * Alerts send a {@linkcode WebhookPayload}. Requires `--allow-net`.
 *
 * @returns The attempts made and the receiver's HTTP status.
 * @throws {NetworkError} (exit 5) when the receiver answered 4xx (not 429) or every attempt failed
 *   (5xx, 429, no connection, no answer within the timeout); the URL is shown redacted.
 */
export async function sendWebhook(
  url: string,
  payload: unknown,
  options: SendOptions = {},
): Promise<SendResult> {
  return await postJson("webhook", url, payload, options);
}
