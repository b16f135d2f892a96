/**
 * Slack incoming webhooks (https://api.slack.com/messaging/webhooks): a JSON POST with `text`
 * (the notification's fallback) and Block Kit `blocks`.
 *
 * @module
 */
import type { AlertFinding, AlertMessage } from "./alert_message.ts";
import { postJson, type SendOptions, type SendResult } from "./post_json.ts";

/** Slack accepts at most 50 blocks per message; the findings shown are cut to leave room. */
const MAX_FINDING_BLOCKS = 45;
/** A section's text is at most 3000 characters. */
const MAX_SECTION = 3000;

/** Escapes `&`, `<` and `>`, the three characters Slack's mrkdwn gives a meaning. */
export function slackEscape(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

const cut = (text: string, max: number) => text.length <= max ? text : text.slice(0, max - 1) + "…";

function findingBlock(f: AlertFinding): Record<string, unknown> {
  const lines = [
    `*[${slackEscape(f.severity)}]* ${slackEscape(f.title)}${
      f.environment === undefined ? "" : ` (\`${slackEscape(f.environment)}\`)`
    }`,
  ];
  if (f.detail !== undefined && f.detail !== "") lines.push(slackEscape(f.detail));
  if (f.fix !== undefined && f.fix !== "") lines.push(`fix: \`${slackEscape(f.fix)}\``);
  return { type: "section", text: { type: "mrkdwn", text: cut(lines.join("\n"), MAX_SECTION) } };
}

/**
 * The JSON body Slack's incoming webhook receives for `message`: `{text, blocks}`, with a
 * `header` block (the subject, at most 150 characters), one `section` per finding (at most 45;
 * a `context` block says how many more there are); the mrkdwn (`text` and the sections) escaped
 * (`&`, `<`, `>`, Slack's "Formatting text" rules), at most 3,900 characters of text before
 * escaping.
 */
export function slackPayload(message: AlertMessage): {
  text: string;
  blocks: Record<string, unknown>[];
} {
  const blocks: Record<string, unknown>[] = [
    { type: "header", text: { type: "plain_text", text: cut(message.subject, 150), emoji: false } },
  ];
  const shown = message.findings.slice(0, MAX_FINDING_BLOCKS);
  for (const f of shown) blocks.push(findingBlock(f));
  const more = message.findings.length - shown.length;
  if (more > 0) {
    blocks.push({
      type: "context",
      elements: [{ type: "mrkdwn", text: `…and ${more} more finding${more === 1 ? "" : "s"}` }],
    });
  }
  // The fallback text is mrkdwn too: `&`, `<`, `>` escaped (an OSV summary may say `<!channel>`).
  return { text: slackEscape(cut(`${message.subject}\n${message.text}`, 3900)), blocks };
}

/**
 * Posts `message` to a Slack incoming webhook (`https://hooks.slack.com/services/…`) as
 * {@linkcode slackPayload}. Requires `--allow-net`.
 *
 * @returns The attempts made and Slack's HTTP status.
 * @throws {NetworkError} (exit 5) when Slack refused it (4xx: the URL is revoked or the payload
 *   invalid) or every attempt failed; the URL is never part of the message.
 */
export async function sendSlack(
  url: string,
  message: AlertMessage,
  options: SendOptions = {},
): Promise<SendResult> {
  return await postJson("Slack", url, slackPayload(message), options);
}
