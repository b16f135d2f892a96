/**
 * Facts about the machine for `system-info`: the C library, free disk space, directory sizes and
 * how gestvenv itself runs. Subprocesses take an abort signal (see `timeBound`).
 *
 * @module
 */
import { dirname } from "../paths/mod.ts";

/** The C library of a Linux machine, or `unknown` (other systems, or no way to tell). */
export interface LibcInfo {
  /** `glibc`, `musl`, or `unknown`. */
  family: "glibc" | "musl" | "unknown";
  /** Its version (`2.36`, `1.2.4`), or null when it cannot be read. */
  version: string | null;
}

const decoder = new TextDecoder();

async function output(
  program: string,
  args: string[],
  signal: AbortSignal,
): Promise<{ success: boolean; text: string }> {
  const out = await new Deno.Command(program, {
    args,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal,
  }).output();
  return { success: out.success, text: decoder.decode(out.stdout) + decoder.decode(out.stderr) };
}

/**
 * The C library: glibc from `getconf GNU_LIBC_VERSION` (`glibc 2.36`), else musl when its loader
 * `/lib/ld-musl-*.so.1` exists (version from the loader's banner, `Version 1.2.4`), else
 * `unknown`. Not Linux: `unknown`. Needs `--allow-run` and `--allow-read`.
 */
export async function detectLibc(signal: AbortSignal): Promise<LibcInfo> {
  if (Deno.build.os !== "linux") return { family: "unknown", version: null };
  const glibc = await output("getconf", ["GNU_LIBC_VERSION"], signal).catch(() => undefined);
  const match = glibc?.success ? /glibc\s+(\S+)/.exec(glibc.text) : null;
  if (match) return { family: "glibc", version: match[1]! };
  let loader: string | undefined;
  try {
    for await (const entry of Deno.readDir("/lib")) {
      if (/^ld-musl-.*\.so\.1$/.test(entry.name)) loader = `/lib/${entry.name}`;
    }
  } catch {
    // no /lib: unknown below
  }
  if (loader === undefined) return { family: "unknown", version: null };
  const banner = await output(loader, [], signal).catch(() => undefined);
  return { family: "musl", version: /Version\s+(\S+)/.exec(banner?.text ?? "")?.[1] ?? null };
}

/** Space on the file system holding a path, in bytes. */
export interface DiskSpace {
  /** Available to an unprivileged user. */
  free_bytes: number;
  /** Size of the file system. */
  total_bytes: number;
  /** Where it is mounted (`df`'s last column). */
  mount: string;
}

/** The nearest existing directory at or above `path` (the cache may not exist yet). */
async function existingAncestor(path: string): Promise<string> {
  let current = path;
  for (;;) {
    try {
      await Deno.stat(current);
      return current;
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
      const parent = dirname(current);
      if (parent === current) return current;
      current = parent;
    }
  }
}

/**
 * Free and total space of the file system holding `path` (or its nearest existing parent), from
 * POSIX `df -Pk` (1024-byte blocks).
 *
 * @throws {Error} When `df` is missing or fails, or its output cannot be parsed.
 */
export async function diskSpace(path: string, signal: AbortSignal): Promise<DiskSpace> {
  const target = await existingAncestor(path);
  const out = await output("df", ["-Pk", target], signal);
  const line = out.text.trim().split("\n").filter((l) => l.trim() !== "").at(-1) ?? "";
  const fields = line.trim().split(/\s+/);
  const total = Number(fields[1]);
  const free = Number(fields[3]);
  if (!out.success || fields.length < 6 || !Number.isFinite(total) || !Number.isFinite(free)) {
    throw new Error(`df -Pk ${target} failed: ${out.text.trim().split("\n")[0] ?? ""}`);
  }
  return { free_bytes: free * 1024, total_bytes: total * 1024, mount: fields.slice(5).join(" ") };
}

/**
 * Bytes of the regular files under `path` (symlinks not followed; a missing directory is 0),
 * stopping with an `AbortError` when `signal` fires.
 */
export async function directorySize(path: string, signal: AbortSignal): Promise<number> {
  let total = 0;
  let entries: AsyncIterable<Deno.DirEntry>;
  try {
    entries = Deno.readDir(path);
    const pending: Promise<number>[] = [];
    for await (const entry of entries) {
      signal.throwIfAborted();
      const full = `${path}/${entry.name}`;
      if (entry.isDirectory) pending.push(directorySize(full, signal));
      else if (entry.isFile) {
        pending.push(Deno.lstat(full).then((s) => s.size, () => 0));
      }
    }
    for (const size of await Promise.all(pending)) total += size;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return 0;
    throw error;
  }
  return total;
}

/** How this gestvenv runs. */
export interface RuntimeInfo {
  /**
   * `compiled` (a `deno compile` binary), `deno run` (source from a local checkout) or
   * `deno run (remote)` (source loaded from a URL).
   */
  mode: "compiled" | "deno run" | "deno run (remote)";
  /** The executable: the compiled binary or the `deno` running the source. */
  executable: string;
  /** Where the code was loaded from (the main module's URL). */
  source: string;
  /** Deno, V8 and TypeScript versions. */
  deno: string;
  v8: string;
  typescript: string;
}

/**
 * How gestvenv runs: `Deno.build.standalone` says compiled; otherwise the scheme of `moduleUrl`
 * (pass `import.meta.url` of a shipped module) tells a local checkout from a remote one.
 * Needs `--allow-read` for `Deno.execPath()`.
 */
export function runtimeInfo(moduleUrl: string): RuntimeInfo {
  const remote = /^https?:/.test(moduleUrl);
  const standalone = (Deno.build as { standalone?: boolean }).standalone === true;
  return {
    mode: standalone ? "compiled" : remote ? "deno run (remote)" : "deno run",
    executable: Deno.execPath(),
    source: moduleUrl,
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    typescript: Deno.version.typescript,
  };
}
