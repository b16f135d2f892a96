/**
 * RECORD hashes of files on disk (PEP 376 / "Recording installed projects": `sha256=` followed by
 * the urlsafe base64 digest without padding).
 *
 * @module
 */

/** The RECORD hash (`sha256=<urlsafe base64, no padding>`) of the file at `path`. */
export async function recordHashOf(path: string): Promise<string> {
  const bytes = await Deno.readFile(path);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  let binary = "";
  for (const b of digest) binary += String.fromCharCode(b);
  return "sha256=" +
    btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}
