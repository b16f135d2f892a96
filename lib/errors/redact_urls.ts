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
