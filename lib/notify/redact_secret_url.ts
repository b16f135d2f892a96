/**
 * Webhook URLs are secrets: whoever knows a Slack incoming-webhook URL can post to the channel.
 *
 * @module
 */

/**
 * A webhook URL as it may be printed or logged: scheme, host and port only, the path, query and
 * credentials replaced by `…` (`https://hooks.slack.com/services/T0/B0/XYZ` →
 * `https://hooks.slack.com/…`). Text that is not a URL becomes `…`.
 */
export function redactSecretUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const rest = parsed.pathname === "/" && parsed.search === "" && parsed.hash === "" ? "" : "…";
    return `${parsed.protocol}//${parsed.host}/${rest}`;
  } catch {
    return "…";
  }
}

/** `text` with every occurrence of each secret in `secrets` replaced by `…` (empty ones skipped). */
export function hideSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret === undefined || secret.length < 4) continue;
    out = out.split(secret).join("…");
  }
  return out;
}
