/**
 * Installing one unpacked wheel into an environment (binary distribution format spec, "Installing
 * a wheel"; "Recording installed projects"): files linked from the cache's file store, `.data/`
 * directories spread to their scheme paths, entry-point launchers, `INSTALLER`, `REQUESTED`,
 * `direct_url.json` (PEP 610) and a fresh RECORD written last.
 *
 * @module
 */
import type { UnpackedFile, UnpackedWheel } from "../cache/mod.ts";
import type { InstalledDistribution } from "../distribution/mod.ts";
import { tryParseWheelFilename } from "../dist_filename/mod.ts";
import { DistributionError, GestvenvError, OperationError } from "../errors/mod.ts";
import { atomicWriteFile, failpoint } from "../fs/mod.ts";
import { parseCoreMetadata, parseMetadataFields } from "../metadata/mod.ts";
import { normalizeName } from "../names/mod.ts";
import { dirname, join } from "../paths/mod.ts";
import { tryParseVersion, versionsEqual } from "../pep440/mod.ts";
import type { InstallEvent } from "./install_event.ts";
import {
  type InstallTarget,
  isInside,
  relativePath,
  type SchemeDirs,
  schemeDirs,
} from "./install_target.ts";
import { Linker, type LinkMode } from "./link.ts";
import { mapLimit } from "./pool.ts";
import { formatRecord, type RecordRow, sha256Hex } from "./record_writer.ts";
import {
  launcherScript,
  parseScriptEntryPoints,
  rewritePythonShebang,
  type ScriptEntryPoint,
} from "./scripts.ts";

/** Options for {@linkcode installWheel}. */
export interface InstallWheelOptions {
  /** The link mode to try first (falls back `clone → hardlink → copy` on the first file). */
  linkMode: LinkMode;
  /** Write `REQUESTED` (the user asked for this distribution by name). */
  requested: boolean;
  /** PEP 610 `direct_url.json` content, for URL, path and editable installs. */
  directUrl?: Record<string, unknown> | null;
  /** The `INSTALLER` file's content. @default "gestvenv" */
  installer?: string;
  /** Receives `link-mode` and `overwritten` events. */
  onEvent?: (event: InstallEvent) => void;
  /** A linker shared by several installs (one link-mode decision for a whole plan). */
  linker?: Linker;
}

/** What {@linkcode installWheelWithFiles} installed. */
export interface WheelInstallResult {
  /** The installed distribution, as `lib/distribution` reads it back. */
  distribution: InstalledDistribution;
  /** Absolute paths of the `.py` files installed into site-packages (to byte-compile). */
  pythonFiles: string[];
}

/** Files in `.dist-info` that the installer writes itself, never taken from the wheel. */
const INSTALLER_WRITTEN = new Set([
  "RECORD",
  "RECORD.jws",
  "RECORD.p7s",
  "INSTALLER",
  "REQUESTED",
  "direct_url.json",
]);

const SEP = Deno.build.os === "windows" ? "\\" : "/";

/** Files placed in parallel per wheel (link syscalls are cheap; more only queues). */
const FILE_CONCURRENCY = 32;

/**
 * Validates a path from a wheel manifest again (the cache validated it once): relative, `/`
 * separated, no `.`/`..`/empty segments, no backslash, drive letter or NUL.
 *
 * @throws {DistributionError} naming the wheel and the path.
 */
export function validateArchivePath(path: string, source: string): void {
  const bad = path === "" || path.startsWith("/") || /[\\\0]/.test(path) ||
    /^[A-Za-z]:/.test(path) ||
    path.split("/").some((s) => s === "" || s === "." || s === "..");
  if (bad) {
    throw new DistributionError(
      `unsafe path \`${path}\` in the wheel (absolute, or with \`..\`, \`.\`, \`\\\` or an empty ` +
        "segment); nothing was installed",
      source,
      { hint: "The wheel is corrupt or hostile: do not install it; report it to its publisher" },
    );
  }
}

interface PlannedFile {
  /** The manifest entry; null for a generated launcher. */
  file: UnpackedFile | null;
  dest: string;
  /** `link`: placed from the store; `script`: a `.data/scripts` file (copied, maybe rewritten). */
  kind: "link" | "script" | "launcher";
  entry?: ScriptEntryPoint;
}

interface WheelLayout {
  name: string;
  version: string;
  /** Archive name of the `.dist-info` directory. */
  distInfo: string;
  files: PlannedFile[];
  /** Site-packages directory holding the `.dist-info` (RECORD paths are relative to it). */
  site: string;
}

async function readStored(wheel: UnpackedWheel, path: string): Promise<string | undefined> {
  const file = wheel.files.find((f) => f.path === path);
  if (file === undefined) return undefined;
  return await Deno.readTextFile(wheel.storedFile(file.sha256, file.executable));
}

function findDistInfo(wheel: UnpackedWheel, project: string): string {
  const source = wheel.filename;
  const tops = new Set<string>();
  for (const f of wheel.files) {
    const slash = f.path.indexOf("/");
    if (slash > 0) tops.add(f.path.slice(0, slash));
  }
  const matching = [...tops].filter((dir) => {
    if (!dir.endsWith(".dist-info")) return false;
    const stem = dir.slice(0, -".dist-info".length);
    const dash = stem.indexOf("-");
    return dash > 0 && normalizeName(stem.slice(0, dash)) === project;
  });
  if (matching.length !== 1) {
    throw new DistributionError(
      matching.length === 0
        ? `no \`${project}-<version>.dist-info\` directory in the wheel`
        : `several .dist-info directories for ${project}: ${matching.sort().join(", ")}`,
      source,
    );
  }
  return matching[0]!;
}

async function planWheel(target: InstallTarget, wheel: UnpackedWheel): Promise<WheelLayout> {
  const source = wheel.filename;
  const parsed = tryParseWheelFilename(wheel.filename);
  if (parsed === null) {
    throw new DistributionError(
      "not a wheel file name ({name}-{version}(-{build})?-{python}-{abi}-{platform}.whl)",
      source,
    );
  }
  const seen = new Set<string>();
  for (const f of wheel.files) {
    validateArchivePath(f.path, source);
    if (seen.has(f.path)) throw new DistributionError(`duplicate entry \`${f.path}\``, source);
    seen.add(f.path);
  }
  const distInfo = findDistInfo(wheel, parsed.name);
  const dataDir = distInfo.slice(0, -".dist-info".length) + ".data";

  const wheelText = await readStored(wheel, `${distInfo}/WHEEL`);
  if (wheelText === undefined) throw new DistributionError(`no ${distInfo}/WHEEL file`, source);
  const wheelFields = new Map(parseMetadataFields(wheelText));
  const wheelVersion = /^(\d+)\.(\d+)/.exec(wheelFields.get("wheel-version") ?? "");
  if (wheelVersion === null || wheelVersion[1] !== "1") {
    throw new DistributionError(
      `Wheel-Version \`${wheelFields.get("wheel-version") ?? "(missing)"}\` is not supported ` +
        "(gestvenv installs Wheel-Version 1.x)",
      source,
      { hint: "Upgrade gestvenv, or pick another version of this project" },
    );
  }
  const rootIsPurelib = (wheelFields.get("root-is-purelib") ?? "").toLowerCase() === "true";

  const metadataText = await readStored(wheel, `${distInfo}/METADATA`);
  if (metadataText === undefined) {
    throw new DistributionError(`no ${distInfo}/METADATA file`, source);
  }
  let name: string, version: string;
  try {
    ({ name, version } = parseCoreMetadata(metadataText, `${source} METADATA`));
  } catch (error) {
    throw new DistributionError(`unreadable METADATA`, source, { cause: error });
  }
  const metaVersion = tryParseVersion(version);
  if (normalizeName(name) !== parsed.name) {
    throw new DistributionError(
      `METADATA names \`${name}\` but the file name says \`${parsed.name}\``,
      source,
    );
  }
  if (metaVersion === null || !versionsEqual(metaVersion, parsed.version)) {
    throw new DistributionError(
      `METADATA says version \`${version}\` but the file name says \`${parsed.version.original}\``,
      source,
    );
  }

  const entryText = await readStored(wheel, `${distInfo}/entry_points.txt`);
  const entries = entryText === undefined ? [] : parseScriptEntryPoints(entryText, source);
  if (entries.length > 0 && Deno.build.os === "windows") {
    throw new OperationError(
      `${source}: entry-point launchers (.exe) are not written on Windows yet`,
      "windows_launchers",
      { hint: "Use the pip or uv backend (`--backend pip`) on Windows for now" },
    );
  }

  const dirs = schemeDirs(target);
  const files: PlannedFile[] = [];
  const byDest = new Map<string, PlannedFile>();
  const add = (planned: PlannedFile) => {
    if (!isInside(planned.dest, dirs.root)) {
      throw new DistributionError(
        `\`${planned.file?.path}\` would be installed outside the environment`,
        source,
      );
    }
    if (byDest.has(planned.dest)) {
      throw new DistributionError(
        `\`${planned.file?.path}\` and \`${byDest.get(planned.dest)!.file?.path}\` install to ` +
          "the same path",
        source,
      );
    }
    byDest.set(planned.dest, planned);
    files.push(planned);
  };
  const launcherDests = new Set(entries.map((e) => join(dirs.scripts, e.name)));
  for (const file of wheel.files) {
    const parts = file.path.split("/");
    if (parts[0] === distInfo && parts.length === 2 && INSTALLER_WRITTEN.has(parts[1]!)) continue;
    if (parts[0] === dataDir) {
      const key = parts[1]!;
      const rest = parts.slice(2);
      if (rest.length === 0) {
        throw new DistributionError(`\`${file.path}\` is not inside a .data subdirectory`, source);
      }
      switch (key) {
        case "scripts": {
          const dest = join(dirs.scripts, ...rest);
          // An entry point of the same name wins (uv skips such scripts).
          if (!launcherDests.has(dest)) add({ file, dest, kind: "script" });
          break;
        }
        case "headers":
          add({ file, dest: join(dirs.headers, name, ...rest), kind: "link" });
          break;
        case "data":
          add({ file, dest: join(dirs.root, ...rest), kind: "link" });
          break;
        case "purelib":
          add({ file, dest: join(dirs.purelib, ...rest), kind: "link" });
          break;
        case "platlib":
          add({ file, dest: join(dirs.platlib, ...rest), kind: "link" });
          break;
        default:
          throw new DistributionError(
            `unknown .data subdirectory \`${key}\` (expected scripts, headers, data, purelib ` +
              "or platlib)",
            source,
          );
      }
      continue;
    }
    add({ file, dest: join(rootIsPurelib ? dirs.purelib : dirs.platlib, ...parts), kind: "link" });
  }
  for (const entry of entries) {
    add({ file: null, dest: join(dirs.scripts, entry.name), kind: "launcher", entry });
  }
  return {
    name,
    version,
    distInfo,
    files,
    site: rootIsPurelib ? dirs.purelib : dirs.platlib,
  };
}

/**
 * Creates the directories `dests` need, and refuses to install through a symbolic link that leads
 * out of the environment: the scheme directories and the entries directly below them (a package
 * directory, `share/`) are checked; links deeper inside a package are followed, as pip and uv do.
 */
async function makeDirectories(dests: string[], scheme: SchemeDirs, source: string): Promise<void> {
  const dirs = [...new Set(dests.map(dirname))].sort();
  // Only the deepest ones: `mkdir -p` makes their parents.
  const leaves = dirs.filter((d, i) => !(dirs[i + 1]?.startsWith(d + SEP) ?? false));
  const bases = [scheme.purelib, scheme.platlib, scheme.scripts, scheme.headers, scheme.root]
    .sort((a, b) => b.length - a.length);
  const tops = new Set<string>(bases.filter((b) => b !== scheme.root));
  for (const dir of leaves) {
    const base = bases.find((b) => isInside(dir, b))!;
    if (dir !== base) tops.add(base + SEP + dir.slice(base.length + 1).split(SEP)[0]);
  }
  // Checked before anything is made: `mkdir -p` would follow a link out of the environment.
  const realRoot = await Deno.realPath(scheme.root);
  await mapLimit([...tops], FILE_CONCURRENCY, async (top) => {
    // The path itself when it exists, else its nearest existing parent (inside the environment).
    let existing = top;
    let stat = await Deno.lstat(existing).catch(() => null);
    while (stat === null && existing !== scheme.root) {
      existing = dirname(existing);
      stat = await Deno.lstat(existing).catch(() => null);
    }
    if (stat === null || (!stat.isSymlink && existing === top && !bases.includes(top))) return;
    const real = await Deno.realPath(existing);
    if (!isInside(real, realRoot)) {
      throw new DistributionError(
        `${existing} resolves outside the environment (${real}); refusing to install there`,
        source,
        { hint: "Remove that symbolic link from the environment, then install again" },
      );
    }
  });
  // Synchronous: a few µs of kernel work each, where an async op costs tens of µs more.
  makeDirectoriesNow(leaves);
}

/** `mkdir -p` of each directory, one synchronous call each. */
function makeDirectoriesNow(dirs: readonly string[]): void {
  for (const dir of dirs) Deno.mkdirSync(dir, { recursive: true });
}

async function writeNewFile(path: string, data: Uint8Array | string, mode: number) {
  // A new inode renamed over the target: never writes into a link to the store.
  await atomicWriteFile(path, data, { mode, createParents: false });
  if (Deno.build.os !== "windows") await Deno.chmod(path, mode);
}

/**
 * {@linkcode installWheel}, also returning the `.py` files it installed (for byte-compiling
 * the whole set in one process).
 */
export async function installWheelWithFiles(
  target: InstallTarget,
  wheel: UnpackedWheel,
  options: InstallWheelOptions,
): Promise<WheelInstallResult> {
  const layout = await planWheel(target, wheel);
  const source = wheel.filename;
  const dirs = schemeDirs(target);
  const python = target.layout.python;
  const onEvent = options.onEvent ?? (() => {});
  const linker = options.linker ?? new Linker(options.linkMode, onEvent);
  const distInfoDest = join(layout.site, layout.distInfo);
  const rows: RecordRow[] = [];
  const created: string[] = [];
  const rel = (dest: string) => relativePath(layout.site, dest);
  const writeScript = async (dest: string, bytes: Uint8Array) => {
    const existed = await Deno.lstat(dest).then(() => true, () => false);
    await writeNewFile(dest, bytes, 0o755);
    if (existed) {
      onEvent({ kind: "overwritten", name: layout.name, version: layout.version, path: dest });
    }
  };
  try {
    await makeDirectories(
      [...layout.files.map((f) => f.dest), join(distInfoDest, "RECORD")],
      dirs,
      source,
    );
    await mapLimit(layout.files, FILE_CONCURRENCY, async (planned) => {
      const { file, dest } = planned;
      if (planned.kind === "launcher") {
        const text = launcherScript(planned.entry!, python);
        const bytes = new TextEncoder().encode(text);
        await writeScript(dest, bytes);
        created.push(dest);
        rows.push({ path: rel(dest), sha256: await sha256Hex(bytes), size: bytes.length });
        return;
      }
      if (planned.kind === "script") {
        const stored = await Deno.readFile(wheel.storedFile(file!.sha256, file!.executable));
        const rewritten = rewritePythonShebang(stored, python);
        const bytes = rewritten ?? stored;
        await writeScript(dest, bytes);
        created.push(dest);
        rows.push({
          path: rel(dest),
          sha256: rewritten === null ? file!.sha256 : await sha256Hex(bytes),
          size: bytes.length,
        });
        return;
      }
      const { overwritten } = await linker.place(
        wheel.storedFile(file!.sha256, file!.executable),
        dest,
        file!.executable,
      );
      created.push(dest);
      if (overwritten) {
        onEvent({ kind: "overwritten", name: layout.name, version: layout.version, path: dest });
      }
      rows.push({ path: rel(dest), sha256: file!.sha256, size: file!.size });
    });
    const extra: Array<[string, string]> = [
      ["INSTALLER", `${options.installer ?? "gestvenv"}\n`],
    ];
    if (options.requested) extra.push(["REQUESTED", ""]);
    if (options.directUrl) extra.push(["direct_url.json", JSON.stringify(options.directUrl)]);
    for (const [fileName, text] of extra) {
      const dest = join(distInfoDest, fileName);
      const bytes = new TextEncoder().encode(text);
      await writeNewFile(dest, bytes, 0o644);
      created.push(dest);
      rows.push({ path: rel(dest), sha256: await sha256Hex(bytes), size: bytes.length });
    }
    // RECORD last: without it, `lib/distribution` treats the install as not finished.
    await failpoint("installer.before_record");
    rows.push({ path: `${layout.distInfo}/RECORD`, sha256: null, size: null });
    await atomicWriteFile(join(distInfoDest, "RECORD"), formatRecord(rows), {
      createParents: false,
    });
  } catch (error) {
    // Best effort: take back what this install placed, so no half distribution stays behind.
    await Promise.all(created.map((p) => Deno.remove(p).catch(() => {})));
    await Deno.remove(distInfoDest).catch(() => {});
    if (error instanceof GestvenvError) throw error;
    throw new OperationError(
      `Could not install ${source}: ${(error as Error).message}`,
      "install_failed",
      { cause: error, hint: "Check free disk space and permissions, then run the command again" },
    );
  }
  // CPython caches directory listings by mtime; make new packages visible to running imports.
  const now = new Date();
  await Deno.utime(layout.site, now, now).catch(() => {});
  const pythonFiles = layout.files
    .filter((f) => f.dest.endsWith(".py") && isInside(f.dest, layout.site))
    .map((f) => f.dest);
  return {
    distribution: {
      name: layout.name,
      normalized_name: normalizeName(layout.name),
      version: layout.version,
      installer: options.installer ?? "gestvenv",
      requested: options.requested,
      dist_info: distInfoDest,
    },
    pythonFiles,
  };
}

/**
 * Installs the unpacked wheel `wheel` into `target` (binary distribution format spec):
 * - checks the file name, METADATA's `Name`/`Version` against it, and `WHEEL`
 *   (`Wheel-Version` 1.x); validates every manifest path again;
 * - places the root in purelib or platlib by `Root-Is-Purelib`, and `.data/` subdirectories:
 *   `scripts` → `bin/` (a first line of exactly `#!python`/`#!pythonw` rewritten to the
 *   environment's interpreter; made executable), `headers` → `include/site/pythonX.Y/<Name>/`,
 *   `data` → the environment root, `purelib`/`platlib` → site-packages;
 * - writes a launcher in `bin/` for each `console_scripts`/`gui_scripts` entry point (POSIX only);
 * - writes `INSTALLER`, `REQUESTED` (when `requested`), `direct_url.json` (PEP 610, when given)
 *   and finally RECORD (sorted, sha256 urlsafe-base64 and sizes; RECORD itself without).
 *
 * Files are linked from the store with `linkMode` (see {@linkcode Linker}); generated and rewritten
 * files are new files. A file already at a destination is replaced (`overwritten` event). On a
 * failure, the files placed so far are removed. Requires `--allow-read`, `--allow-write`.
 *
 * @throws {DistributionError} For a wheel that breaks the spec (unsafe path, mismatching METADATA,
 *   unknown `.data` directory, bad entry point, Wheel-Version 2+).
 * @throws {OperationError} `install_failed` when the filesystem fails; `windows_launchers` for
 *   entry points on Windows.
 */
export async function installWheel(
  target: InstallTarget,
  wheel: UnpackedWheel,
  options: InstallWheelOptions,
): Promise<InstalledDistribution> {
  return (await installWheelWithFiles(target, wheel, options)).distribution;
}
