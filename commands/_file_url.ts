/** Converts a `file:` URL to a platform path. */
export function fromFileUrl(url: string): string {
  const u = new URL(url);
  const path = decodeURIComponent(u.pathname);
  return Deno.build.os === "windows"
    ? path.replace(/^\/([A-Za-z]:)/, "$1").replaceAll("/", "\\")
    : path;
}
