/**
 * Writing the RECORD of an installed distribution ("Recording installed projects": CSV rows
 * `path,sha256=<urlsafe base64 without padding>,size`; RECORD itself has neither hash nor size).
 *
 * @module
 */

/** One row to write. */
export interface RecordRow {
  /** `/`-separated, relative to the site-packages directory holding the `.dist-info`. */
  path: string;
  /** sha256 of the file, lowercase hex; null for RECORD itself. */
  sha256: string | null;
  /** Size in bytes; null for RECORD itself. */
  size: number | null;
}

/** `sha256=<urlsafe base64, no padding>` from a lowercase hex digest. */
export function recordHash(sha256Hex: string): string {
  let binary = "";
  for (let i = 0; i < sha256Hex.length; i += 2) {
    binary += String.fromCharCode(parseInt(sha256Hex.slice(i, i + 2), 16));
  }
  return "sha256=" + btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** sha256 of `bytes`, lowercase hex. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as BufferSource));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** RECORD text: rows sorted by path (as uv writes them), `\n` line ends, CSV quoting as Python's. */
export function formatRecord(rows: readonly RecordRow[]): string {
  return [...rows]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((r) =>
      `${csvField(r.path)},${r.sha256 === null ? "" : recordHash(r.sha256)},${r.size ?? ""}\n`
    )
    .join("");
}
