/**
 * `security.allowed_sources` (issue 12 §3, spec 001 `allowed-sources`): the hosts and local
 * directories distributions may come from. Parsed here (the format belongs to the setting);
 * enforced by `lib/index` before any request and by `lib/packages` for requirements and locks.
 *
 * An entry is one of:
 * - a host name, `pypi.org`: any port and scheme on exactly that host;
 * - `host:port`, `internal.example:8443`: that host on that port only (the scheme's default port
 *   counts: `pypi.org:443` allows `https://pypi.org/simple`);
 * - a wildcard, `*.example.com`: every sub-domain at any depth (`a.example.com`,
 *   `a.b.example.com`), not `example.com` itself;
 * - a URL, `https://user@pypi.org/simple`: reduced to its host (and its port when written);
 * - a local path, `file:/srv/wheels` or `file:///srv/wheels`: that directory and everything under
 *   it (find-links directories, `file://` indexes, wheel and sdist paths). Without such an entry
 *   no local source is allowed, except the directories of projects you install (`-e .`, a
 *   project directory), which are your own code, not a source of distributions.
 *
 * @module
 */
import { ConfigError } from "../errors/mod.ts";

/** One parsed entry of `security.allowed_sources`. */
export type AllowedSourceRule =
  | {
    /** A host, its sub-domains, or a host on one port. */
    kind: "host";
    /** Lower-case host name without the `*.` (`example.com` for `*.example.com`). */
    host: string;
    /** Sub-domains of `host` (not `host` itself) match. */
    wildcard: boolean;
    /** The only port allowed, or null for any. */
    port: number | null;
    /** The entry as written. */
    entry: string;
  }
  | {
    /** A local directory and what is under it. */
    kind: "path";
    /** Absolute path, no trailing `/`. */
    path: string;
    /** The entry as written. */
    entry: string;
  };

/** The effective allow-list and where it comes from, for messages. */
export interface AllowedSources {
  /** The rules; a location matching none is refused. */
  rules: AllowedSourceRule[];
  /** Where the list was set, for people: `security.allowed_sources (/home/a/.gestvenv/config.toml)`. */
  origin: string;
}

const DEFAULT_PORTS: Readonly<Record<string, number>> = { "http:": 80, "https:": 443 };

/**
 * Parses one entry (see the module documentation).
 * @throws {ConfigError} for an empty entry, a relative `file:` path, or text that is no host.
 */
export function parseAllowedSource(entry: string, origin: string): AllowedSourceRule {
  const text = entry.trim();
  const bad = (why: string) =>
    new ConfigError(`\`${entry}\` in ${origin} is not an allowed source: ${why}`, {
      hint:
        "Write a host (`pypi.org`), `host:port`, `*.example.com`, a URL, or a local directory as `file:/srv/wheels`",
    });
  if (text === "") throw bad("it is empty");
  if (/^file:/i.test(text)) {
    let path = decodeURIComponent(text.replace(/^file:(\/\/(localhost)?)?/i, ""));
    if (!path.startsWith("/")) throw bad("a `file:` entry needs an absolute path");
    path = path.replace(/\/+$/, "");
    return { kind: "path", path: path === "" ? "/" : path, entry: text };
  }
  let hostPart = text;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    let url: URL;
    try {
      url = new URL(text.replace(/^(git|hg|svn|bzr)\+/i, ""));
    } catch {
      throw bad("it is not a valid URL");
    }
    if (url.hostname === "") throw bad("the URL has no host");
    return {
      kind: "host",
      host: url.hostname.toLowerCase(),
      wildcard: false,
      port: portOf(url),
      entry: text,
    };
  }
  const wildcard = hostPart.startsWith("*.");
  if (wildcard) hostPart = hostPart.slice(2);
  const match = /^([a-z0-9](?:[a-z0-9.-]*[a-z0-9])?|\[[0-9a-f:.]+\])(?::(\d{1,5}))?$/i.exec(
    hostPart,
  );
  if (match === null) throw bad("it is not a host name, `host:port` or `*.domain`");
  const port = match[2] === undefined ? null : Number(match[2]);
  if (port !== null && (port < 1 || port > 65535)) throw bad("the port is out of range");
  return { kind: "host", host: match[1]!.toLowerCase(), wildcard, port, entry: text };
}

/** The explicit port of `url`, or null when it has none (the scheme's default). */
function portOf(url: URL): number | null {
  return url.port === "" ? null : Number(url.port);
}

/**
 * Parses a whole list.
 * @throws {ConfigError} as {@linkcode parseAllowedSource}.
 */
export function parseAllowedSources(entries: readonly string[], origin: string): AllowedSources {
  return { rules: entries.map((e) => parseAllowedSource(e, origin)), origin };
}

/**
 * The local path a location stands for, or null when it is a remote URL: a `file:` URL
 * (decoded) or a path (made absolute against `cwd`).
 */
export function localPathOf(location: string, cwd: () => string = () => Deno.cwd()): string | null {
  let path: string;
  if (/^file:/i.test(location)) {
    const raw = location.replace(/^file:(\/\/(localhost)?)?/i, "").split(/[?#]/)[0]!;
    try {
      path = decodeURIComponent(raw);
    } catch {
      path = raw;
    }
    // Decoded, then normalised as a path: `file:///srv/wheels/%2e%2e/other` is `/srv/other`.
    if (!path.startsWith("/")) path = `/${path}`;
  } else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) {
    return null;
  } else {
    path = location.startsWith("/") ? location : `${cwd().replace(/\/+$/, "")}/${location}`;
  }
  // Normalize `.` and `..` segments, so `/srv/wheels/../other` is not under `/srv/wheels`.
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") out.pop();
    else out.push(part);
  }
  return `/${out.join("/")}`;
}

/**
 * The rule of `sources` that allows `location` (a URL, a `file:` URL or a local path), or
 * undefined when none does. `git+https://…` is judged by its host. A URL that cannot be parsed
 * is allowed by nothing.
 */
export function allowingRule(
  location: string,
  sources: AllowedSources,
  cwd?: () => string,
): AllowedSourceRule | undefined {
  const local = localPathOf(location.replace(/^(git|hg|svn|bzr)\+/i, ""), cwd);
  if (local !== null) {
    // Symlinks are followed: a link under an allowed directory that leads out of it is judged
    // by where it leads (both sides as real paths, when they exist).
    const real = realPathOrSelf(local);
    return sources.rules.find((r) => {
      if (r.kind !== "path") return false;
      if (!isUnder(local, r.path)) return false;
      return isUnder(real, r.path) || isUnder(real, realPathOrSelf(r.path));
    });
  }
  let url: URL;
  try {
    url = new URL(location.replace(/^(git|hg|svn|bzr)\+/i, ""));
  } catch {
    return undefined;
  }
  const host = url.hostname.toLowerCase();
  const port = portOf(url) ?? DEFAULT_PORTS[url.protocol] ?? null;
  return sources.rules.find((r) => {
    if (r.kind !== "host") return false;
    const hostOk = r.wildcard ? host.endsWith(`.${r.host}`) : host === r.host;
    return hostOk && (r.port === null || r.port === port);
  });
}

/** `path` is `dir` or under it (both absolute and normalised). */
function isUnder(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir === "/" ? "/" : `${dir}/`);
}

/**
 * The real path of `path` (symlinks resolved), or of its deepest existing ancestor with the rest
 * appended; `path` itself when nothing can be read (no `--allow-read`).
 */
function realPathOrSelf(path: string): string {
  let head = path;
  let tail = "";
  for (;;) {
    try {
      const real = Deno.realPathSync(head);
      return tail === "" ? real : `${real.replace(/\/+$/, "")}${tail}`;
    } catch {
      if (head === "/" || head === "") return path;
      const cut = head.lastIndexOf("/");
      tail = `${head.slice(cut)}${tail}`;
      head = cut <= 0 ? "/" : head.slice(0, cut);
    }
  }
}
