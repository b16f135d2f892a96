/**
 * `cache publish --to URL`: uploads cached artifacts to a package index server through the legacy
 * upload API (see `upload_form.ts`), so a team that runs devpi, pypiserver, Artifactory or Nexus
 * shares what one machine's cache holds. A file the server already has (409 Conflict, or the 400
 * and 403 answers PyPI, Nexus and Artifactory give for it; twine's `--skip-existing`) is counted
 * as present, not as a failure.
 *
 * Credentials (HTTP Basic): given ones, else `TWINE_USERNAME`/`TWINE_PASSWORD`, else the URL's
 * `user:password@`, else `~/.netrc` (`NETRC`) for the host. They are never printed.
 *
 * @module
 */
import { InterruptedError, NetworkError } from "../errors/mod.ts";
import { type EnvLookup, join, readEnv, userHomeDir } from "../paths/mod.ts";
import { parseNetrc, readSdistPkgInfo, redactUrl } from "../index/mod.ts";
import { readWheelMetadata } from "../metadata/mod.ts";
import { bytesSource } from "../zip/mod.ts";
import { normalizeName } from "../names/mod.ts";
import { type Requirement } from "../pep508/mod.ts";
import { satisfiesSpecifierSet, tryParseVersion } from "../pep440/mod.ts";
import type { CachedArtifactRow, PackageCache } from "../cache/mod.ts";
import { multipartBody, uploadFields } from "./upload_form.ts";

/** HTTP Basic credentials. */
export interface UploadCredentials {
  /** User name. */
  username: string;
  /** Password or token. */
  password: string;
}

/** What happened to one artifact. */
export interface PublishOutcome {
  /** The artifact. */
  artifact: CachedArtifactRow;
  /** `uploaded`, `present` (the server has it), or `failed` (see reason). */
  status: "uploaded" | "present" | "failed";
  /** The server's answer, for `present` and `failed`. */
  reason?: string;
}

/** The summary of a publish. */
export interface PublishResult {
  /** One outcome per artifact, in order. */
  outcomes: PublishOutcome[];
  /** Files uploaded. */
  uploaded: number;
  /** Bytes uploaded. */
  uploadedBytes: number;
  /** Files the server already had. */
  present: number;
  /** Files the server refused. */
  failed: number;
}

/** Options of {@linkcode publishArtifacts}. */
export interface PublishOptions {
  /** The upload URL (twine's repository URL, e.g. `https://upload.pypi.org/legacy/`). */
  url: string;
  /** Credentials; see the module documentation for where they come from otherwise. */
  credentials?: UploadCredentials | undefined;
  /** Environment lookup (`TWINE_*`, `NETRC`, the home). @default readEnv */
  env?: EnvLookup;
  /** Longest time for one upload, in ms. @default 600000 */
  timeoutMs?: number;
  /** Stops between files (Ctrl-C). */
  signal?: AbortSignal | undefined;
  /** Called as each file is settled. */
  onOutcome?: (outcome: PublishOutcome) => void;
}

/**
 * The artifacts of `rows` that match `requirements` (by normalized name and, when given, version
 * specifier); all of them when `requirements` is empty. Rows of unknown projects never match.
 */
export function selectArtifacts(
  rows: readonly CachedArtifactRow[],
  requirements: readonly Requirement[],
): CachedArtifactRow[] {
  if (requirements.length === 0) return rows.filter((r) => r.project !== "");
  return rows.filter((row) =>
    requirements.some((req) => {
      if (normalizeName(req.name) !== row.project) return false;
      if (req.specifier.specifiers.length === 0) return true;
      const version = tryParseVersion(row.version);
      return version !== null && satisfiesSpecifierSet(version, req.specifier, true);
    })
  );
}

/** The credentials to send to `url`, or undefined (see the module documentation). */
export async function uploadCredentials(
  url: string,
  given: Partial<UploadCredentials> = {},
  env: EnvLookup = readEnv,
): Promise<UploadCredentials | undefined> {
  const parsed = new URL(url);
  const username = given.username ?? env("TWINE_USERNAME") ??
    (parsed.username !== "" ? decodeURIComponent(parsed.username) : undefined);
  const password = given.password ?? env("TWINE_PASSWORD") ??
    (parsed.password !== "" ? decodeURIComponent(parsed.password) : undefined);
  if (username !== undefined && password !== undefined) return { username, password };
  try {
    const path = env("NETRC") ?? join(userHomeDir(env), ".netrc");
    const netrc = parseNetrc(await Deno.readTextFile(path));
    const entry = netrc.get(parsed.hostname) ?? netrc.get("");
    if (entry !== undefined && (username === undefined || username === entry.login)) {
      return { username: entry.login, password: password ?? entry.password };
    }
  } catch {
    // No netrc: no credentials from it.
  }
  if (username !== undefined || password !== undefined) {
    return { username: username ?? "", password: password ?? "" };
  }
  return undefined;
}

/** The core metadata text of an artifact's bytes (wheel METADATA or sdist PKG-INFO). */
async function metadataText(bytes: Uint8Array, filename: string): Promise<string | null> {
  if (filename.endsWith(".whl")) return await readWheelMetadata(bytesSource(bytes), filename);
  return await readSdistPkgInfo(filename, bytes);
}

/** Whether a refusal means "the server already has this file" (twine's `--skip-existing`). */
function alreadyThere(status: number, text: string): boolean {
  if (status === 409) return true;
  return (status === 400 && /already exist|updating asset/i.test(text)) ||
    (status === 403 && /overwrite artifact|not enough permissions to overwrite/i.test(text));
}

/** A server's answer in one short line: an HTML page's title (or first heading), else the text. */
export function shortText(text: string): string {
  const html = /<(title|h1)[^>]*>([\s\S]*?)<\/\1>/i.exec(text);
  const source = html !== null
    ? html[2]!
    : text.replace(/<(style|script)[^>]*>[\s\S]*?<\/\1>/gi, " ");
  const plain = source.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim();
  return plain.length > 200 ? `${plain.slice(0, 200)}…` : plain;
}

/**
 * Uploads each artifact of `rows` (held by `cache`) to `options.url`, one at a time. Each body is
 * sent with a `Content-Length` (servers on WSGI, pypiserver among them, refuse chunked uploads),
 * so one file at a time is held in memory (about twice its size while it is sent). Requires
 * `--allow-net`, read access to the cache (and `--allow-env`/netrc for credentials).
 * @throws {NetworkError} (exit 5) when the server cannot be reached, refuses the credentials
 *   (401/403), or redirects (a POST that is redirected loses its body: use the final URL).
 * @throws {InterruptedError} when `signal` is aborted (files sent so far stay sent).
 */
export async function publishArtifacts(
  cache: PackageCache,
  rows: readonly CachedArtifactRow[],
  options: PublishOptions,
): Promise<PublishResult> {
  const target = redactUrl(options.url);
  const url = new URL(options.url);
  const credentials = options.credentials ??
    await uploadCredentials(options.url, {}, options.env ?? readEnv);
  url.username = "";
  url.password = "";
  const headers: Record<string, string> = {};
  if (credentials !== undefined) {
    headers.authorization = "Basic " +
      btoa(String.fromCharCode(
        ...new TextEncoder().encode(`${credentials.username}:${credentials.password}`),
      ));
  }
  const outcomes: PublishOutcome[] = [];
  let uploadedBytes = 0;
  for (const artifact of rows) {
    if (options.signal?.aborted) {
      throw new InterruptedError(options.signal.reason === "SIGTERM" ? "SIGTERM" : "SIGINT");
    }
    const stored = await cache.find(artifact.sha256);
    let outcome: PublishOutcome;
    if (stored === undefined) {
      outcome = { artifact, status: "failed", reason: "no longer in the cache" };
    } else {
      const bytes = await Deno.readFile(stored.path);
      const text = await metadataText(bytes, stored.filename).catch(() => null);
      if (text === null) {
        outcome = { artifact, status: "failed", reason: "it has no readable core metadata" };
      } else {
        const form = multipartBody(uploadFields(text, stored.filename, stored.sha256), {
          field: "content",
          filename: stored.filename,
          bytes,
        });
        const timeout = AbortSignal.timeout(options.timeoutMs ?? 600_000);
        let response: Response;
        try {
          response = await fetch(url, {
            method: "POST",
            headers: { ...headers, "content-type": form.contentType },
            body: form.body,
            redirect: "manual",
            signal: options.signal === undefined
              ? timeout
              : AbortSignal.any([options.signal, timeout]),
          });
        } catch (error) {
          if (options.signal?.aborted) {
            throw new InterruptedError(
              options.signal.reason === "SIGTERM" ? "SIGTERM" : "SIGINT",
            );
          }
          throw new NetworkError(
            `Cannot upload ${stored.filename} to ${target}: ${String(error)}`,
            {
              cause: error,
              hint:
                "Check the URL (the server's upload URL, e.g. http://host:8080/ for pypiserver)" +
                " and that the server is running",
            },
          );
        }
        const body = await response.text().catch(() => "");
        const status = response.status;
        if (status >= 200 && status < 300) {
          outcome = { artifact, status: "uploaded" };
          uploadedBytes += stored.size;
        } else if (alreadyThere(status, body || response.statusText)) {
          outcome = { artifact, status: "present", reason: `${status} ${shortText(body)}`.trim() };
        } else if (status >= 300 && status < 400) {
          throw new NetworkError(
            `${target} redirected the upload to ${
              redactUrl(response.headers.get("location") ?? "another URL")
            }`,
            { hint: "Publish to the URL it redirects to (an upload cannot follow a redirect)" },
          );
        } else if (status === 401 || status === 403) {
          throw new NetworkError(
            `${target} refused the upload of ${stored.filename}: ${status} ${
              shortText(body || response.statusText)
            }`,
            {
              hint: credentials === undefined
                ? "Give credentials: -u USER -p PASSWORD, TWINE_USERNAME/TWINE_PASSWORD, or ~/.netrc"
                : "Check the user name and password (or token) and the user's upload rights",
            },
          );
        } else {
          outcome = {
            artifact,
            status: "failed",
            reason: `${status} ${shortText(body || response.statusText)}`.trim(),
          };
        }
      }
    }
    outcomes.push(outcome);
    options.onOutcome?.(outcome);
  }
  return {
    outcomes,
    uploaded: outcomes.filter((o) => o.status === "uploaded").length,
    uploadedBytes,
    present: outcomes.filter((o) => o.status === "present").length,
    failed: outcomes.filter((o) => o.status === "failed").length,
  };
}
