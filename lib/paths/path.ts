/**
 * `join`, `dirname` and `basename` for the current OS. gestvenv does not import `node:path` in code
 * that runs at start-up: in Deno that import boots the Node compatibility layer, which costs about
 * 10 ms on every command (measured with hyperfine, see BENCHMARKS.md). `@std/path` would be the
 * choice, but JSR is not reachable from our build machines.
 *
 * @module
 */

const WINDOWS = Deno.build.os === "windows";
const SEP = WINDOWS ? "\\" : "/";
const SEPARATORS = WINDOWS ? /[\\/]+/ : /\/+/;

/** The root of an absolute path (`/`, `C:\`, `\\server\share\`), or "" for a relative one. */
function rootOf(path: string): string {
  if (!WINDOWS) return path.startsWith("/") ? "/" : "";
  const unc = path.match(/^[\\/]{2}[^\\/]+[\\/]+[^\\/]+[\\/]?/);
  if (unc !== null) return unc[0].replaceAll("/", "\\").replace(/\\?$/, "\\");
  const drive = path.match(/^[A-Za-z]:([\\/])?/);
  if (drive !== null) return drive[0].slice(0, 2) + (drive[1] !== undefined ? "\\" : "");
  return /^[\\/]/.test(path) ? "\\" : "";
}

/** Removes `.` segments and resolves `..` segments, keeping the root. */
export function normalize(path: string): string {
  const root = rootOf(path);
  const segments: string[] = [];
  for (const part of path.slice(root.length).split(SEPARATORS)) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (segments.length > 0 && segments[segments.length - 1] !== "..") segments.pop();
      else if (root === "") segments.push("..");
      continue;
    }
    segments.push(part);
  }
  const body = segments.join(SEP);
  return root + body || (root === "" ? "." : root);
}

/** Joins path segments with the OS separator and normalizes the result. */
export function join(...parts: string[]): string {
  const nonEmpty = parts.filter((p) => p !== "");
  return nonEmpty.length === 0 ? "." : normalize(nonEmpty.join(SEP));
}

/** The directory part of `path` (`/a/b` → `/a`; `b` → `.`; `/` → `/`). */
export function dirname(path: string): string {
  const normalized = normalize(path);
  const root = rootOf(normalized);
  const rest = normalized.slice(root.length);
  const cut = Math.max(rest.lastIndexOf("/"), WINDOWS ? rest.lastIndexOf("\\") : -1);
  if (cut < 0) return root === "" ? "." : root;
  return root + rest.slice(0, cut);
}

/** The last segment of `path` (`/a/b.txt` → `b.txt`). */
export function basename(path: string): string {
  const parts = path.split(SEPARATORS).filter((p) => p !== "");
  return parts[parts.length - 1] ?? "";
}

/** The `file://` URL of an absolute path (each segment percent-encoded; RFC 8089). */
export function toFileUrl(path: string): string {
  const posix = path.replaceAll("\\", "/");
  const encoded = posix.split("/").map((s) => encodeURIComponent(s).replace(/%3A/gi, ":")).join(
    "/",
  );
  return "file://" + (posix.startsWith("/") ? "" : "/") + encoded;
}
