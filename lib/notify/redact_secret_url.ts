/**
 * Webhook URLs are secrets: whoever knows a Slack incoming-webhook URL can post to the channel.
 *
 * @module
 */
export { redactSecretUrl } from "../errors/mod.ts";

/** `text` with every occurrence of each secret in `secrets` replaced by `…` (empty ones skipped). */
export function hideSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret === undefined || secret.length < 4) continue;
    out = out.split(secret).join("…");
  }
  return out;
}
