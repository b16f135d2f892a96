import { type EnvLookup, join, readEnv, userHomeDir } from "../paths/mod.ts";

/** A file that may be a Python interpreter, and where it was found. */
export interface InterpreterCandidate {
  /** Path as found (may be a symlink). */
  path: string;
  /** `path`, `pyenv`, `system`, `py-launcher` or `windows-install`. */
  source: string;
}

const IS_WINDOWS = Deno.build.os === "windows";
const EXECUTABLE_NAME = IS_WINDOWS
  ? /^(python|pypy|graalpy)(\d+(\.\d+)?)?\.exe$/i
  : /^(python|pypy|graalpy)(\d+(\.\d+)?t?)?$/;

/** The pyenv root: `$PYENV_ROOT` or `~/.pyenv`. */
export function pyenvRoot(env: EnvLookup = readEnv): string {
  return env("PYENV_ROOT") ?? join(userHomeDir(), ".pyenv");
}

/** Options for {@linkcode pyenvSelectedInterpreter}. */
export interface PyenvOptions {
  /** Environment lookup. @default readEnv */
  env?: EnvLookup;
  /** Directory whose `.python-version` files count. @default Deno.cwd() */
  cwd?: string;
}

/** Whether a file is a script (a shim such as pyenv's), not a native interpreter binary. */
export async function isScript(path: string): Promise<boolean> {
  try {
    const file = await Deno.open(path, { read: true });
    try {
      const head = new Uint8Array(2);
      const n = await file.read(head);
      return n === 2 && head[0] === 0x23 && head[1] === 0x21; // "#!"
    } finally {
      file.close();
    }
  } catch {
    return true;
  }
}

async function listMatching(dir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if ((entry.isFile || entry.isSymlink) && EXECUTABLE_NAME.test(entry.name)) {
        names.push(entry.name);
      }
    }
  } catch {
    return [];
  }
  // python3.12 before python3 before python: the most specific name first.
  return names.sort((a, b) => b.length - a.length || a.localeCompare(b));
}

/** Directories on `PATH`, in order, without duplicates. */
export function pathDirectories(): string[] {
  const raw = readEnv("PATH") ?? "";
  const dirs = raw.split(IS_WINDOWS ? ";" : ":").filter((d) => d !== "");
  return [...new Set(dirs)];
}

/**
 * The version pyenv would select (PEP-less, pyenv's own rules): `PYENV_VERSION`, else the nearest
 * `.python-version` from the current directory up, else `$PYENV_ROOT/version`. Returns the
 * interpreter path inside `$PYENV_ROOT/versions`, or undefined for `system` or nothing.
 * Requires `--allow-read` and `--allow-env`.
 */
export async function pyenvSelectedInterpreter(
  options: PyenvOptions = {},
): Promise<string | undefined> {
  const env = options.env ?? readEnv;
  const root = pyenvRoot(env);
  let spec = env("PYENV_VERSION");
  if (spec === undefined) {
    let dir = options.cwd ?? Deno.cwd();
    for (;;) {
      try {
        spec = await Deno.readTextFile(join(dir, ".python-version"));
        break;
      } catch { /* keep walking up */ }
      const parent = join(dir, "..");
      if (parent === dir) break;
      dir = parent;
    }
  }
  if (spec === undefined) {
    spec = await Deno.readTextFile(join(root, "version")).catch(() => undefined);
  }
  const first = spec?.split(/[\s:]+/).find((s) => s !== "" && !s.startsWith("#"));
  if (first === undefined || first === "system") return undefined;
  for (const name of IS_WINDOWS ? ["python.exe"] : ["python3", "python"]) {
    const candidate = join(root, "versions", first, IS_WINDOWS ? "" : "bin", name);
    try {
      await Deno.stat(candidate);
      return candidate;
    } catch { /* try the next name */ }
  }
  return undefined;
}

async function windowsCandidates(): Promise<InterpreterCandidate[]> {
  const found: InterpreterCandidate[] = [];
  try {
    const out = await new Deno.Command("py", { args: ["-0p"], stdout: "piped", stderr: "null" })
      .output();
    for (const line of new TextDecoder().decode(out.stdout).split(/\r?\n/)) {
      const match = line.match(/([A-Za-z]:\\.*\.exe)\s*$/);
      if (match?.[1] !== undefined) found.push({ path: match[1], source: "py-launcher" });
    }
  } catch { /* no py launcher */ }
  const roots = [
    readEnv("LOCALAPPDATA") && join(readEnv("LOCALAPPDATA")!, "Programs", "Python"),
    readEnv("ProgramFiles"),
    readEnv("ProgramFiles(x86)"),
    "C:\\",
  ].filter((r): r is string => typeof r === "string");
  for (const root of roots) {
    try {
      for await (const entry of Deno.readDir(root)) {
        if (entry.isDirectory && /^python\d+/i.test(entry.name)) {
          found.push({ path: join(root, entry.name, "python.exe"), source: "windows-install" });
        }
      }
    } catch { /* missing folder */ }
  }
  return found;
}

/**
 * Lists files that may be Python interpreters, in search order: `PATH` (`python3`, `python3.X`,
 * `python`, `pypy3`), pyenv's `versions/*`, `/usr/bin` and `/usr/local/bin`, and on Windows the
 * `py` launcher and the usual install folders. Scripts (pyenv shims and the like) and the
 * Microsoft Store stubs in `WindowsApps` are skipped,
 * except that a pyenv shim directory contributes the version pyenv selects. Nothing is run except
 * `py -0p` on Windows. Requires `--allow-read` and `--allow-env` (`--allow-run` on Windows).
 */
export async function discoverCandidates(): Promise<InterpreterCandidate[]> {
  const out: InterpreterCandidate[] = [];
  const root = pyenvRoot();
  const shimDir = join(root, "shims");
  for (const dir of pathDirectories()) {
    // The Microsoft Store's python.exe stubs open the Store instead of running Python.
    if (IS_WINDOWS && /[\\/]WindowsApps[\\/]?$/i.test(dir)) continue;
    if (dir === shimDir || dir.endsWith("/pyenv-virtualenv/shims")) {
      const selected = await pyenvSelectedInterpreter();
      if (selected !== undefined) out.push({ path: selected, source: "pyenv" });
      continue;
    }
    for (const name of await listMatching(dir)) out.push({ path: join(dir, name), source: "path" });
  }
  try {
    const versions: string[] = [];
    for await (const entry of Deno.readDir(join(root, "versions"))) {
      if (entry.isDirectory) versions.push(entry.name);
    }
    for (const v of versions.sort()) {
      const bin = IS_WINDOWS ? join(root, "versions", v) : join(root, "versions", v, "bin");
      const names = await listMatching(bin);
      if (names.length > 0) {
        out.push({ path: join(bin, names[names.length - 1]!), source: "pyenv" });
      }
    }
  } catch { /* no pyenv */ }
  if (IS_WINDOWS) {
    out.push(...await windowsCandidates());
  } else {
    for (const dir of ["/usr/local/bin", "/usr/bin", "/opt/homebrew/bin"]) {
      for (const name of await listMatching(dir)) {
        out.push({ path: join(dir, name), source: "system" });
      }
    }
  }
  return out;
}

/**
 * The first `python3` (then `python`) on `PATH` that is a real interpreter, resolving a pyenv shim
 * to the version pyenv selects. This is the interpreter used when no `--python` is given.
 */
export async function defaultCandidate(): Promise<InterpreterCandidate | undefined> {
  const shimDir = join(pyenvRoot(), "shims");
  const names = IS_WINDOWS ? ["python.exe", "python3.exe"] : ["python3", "python"];
  for (const name of names) {
    for (const dir of pathDirectories()) {
      if (IS_WINDOWS && /[\\/]WindowsApps[\\/]?$/i.test(dir)) continue;
      const path = join(dir, name);
      try {
        await Deno.stat(path);
      } catch {
        continue;
      }
      if (dir === shimDir) {
        const selected = await pyenvSelectedInterpreter();
        if (selected !== undefined) return { path: selected, source: "pyenv" };
        continue;
      }
      if (!IS_WINDOWS && await isScript(path)) continue;
      return { path, source: "path" };
    }
  }
  return undefined;
}
