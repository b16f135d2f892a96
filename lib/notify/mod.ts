/**
 * Alert senders (issue 13 §2): Slack incoming webhooks, generic JSON webhooks and email over SMTP
 * with STARTTLS (nodemailer), each with a timeout and the `performance.max_retries` retry policy,
 * typed errors (network failures exit 5, a bad `smtp.json` exits 10) and secrets kept out of
 * messages. `security.allowed_sources` governs package sources, not alert destinations: alerts go
 * where the user configured them.
 *
 * @module
 */
export * from "./alert_message.ts";
export * from "./redact_secret_url.ts";
export * from "./post_json.ts";
export * from "./slack.ts";
export * from "./webhook.ts";
export * from "./smtp_config.ts";
export * from "./email.ts";
