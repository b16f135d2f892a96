/**
 * Credentials out of what is printed or logged.
 *
 * @module
 */

/**
 * Removes `user:password@` from every URL inside a text (a command line, an error message), as
 * `redactUrl` (lib/index) does for one URL: `https://alice:s3cr3t@host/simple` →
 * `https://host/simple`. What is printed or logged never carries credentials.
 */
export function redactUrlsIn(text: string): string {
  // The userinfo stops at whitespace and at quotes or brackets, so a URL inside JSON or HTML
  // text does not swallow what follows it (RFC 3986 userinfo has none of these).
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s"'<>]*@/gi, "$1");
}

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
