/**
 * Placing a stored file into an environment: a reflink clone, a hard link or a copy, decided on
 * the first file (uv's `uv-fs/src/link.rs` rules). Stored files are never written to: an existing
 * destination is replaced by a rename, never truncated (it may itself be a hard link into the
 * store).
 *
 * @module
 */
import { OperationError } from "../errors/mod.ts";

/**
 * How files are placed from the cache's file store into an environment:
 * - `clone`: a copy-on-write clone (reflink) where the filesystem can (btrfs, XFS, APFS);
 * - `hardlink`: a hard link to the stored file (no bytes copied; the store and the environment
 *   must be on one filesystem);
 * - `copy`: a plain copy.
 */
export type LinkMode = "clone" | "hardlink" | "copy";

/** The link modes, in fallback order. */
export const LINK_MODES: readonly LinkMode[] = ["clone", "hardlink", "copy"];

/**
 * The default link mode: `clone` on macOS (`Deno.copyFile` clones through `clonefile` on APFS),
 * `hardlink` elsewhere. On Linux, Deno has no cheap reflink call (no `FICLONE` ioctl without FFI);
 * `clone` there is checked once with `cp --reflink=always` and then done with `Deno.copyFile`,
 * whose `copy_file_range` clones on filesystems that can (Linux >= 5.3).
 */
export function defaultLinkMode(): LinkMode {
  return Deno.build.os === "darwin" ? "clone" : "hardlink";
}

/** An event the linker reports: the mode chosen, with a warning when it fell back. */
export interface LinkModeEvent {
  kind: "link-mode";
  mode: LinkMode;
  warning?: string;
}

let tempCounter = 0;

function tempBeside(dest: string): string {
  return `${dest}.${Deno.pid}.${++tempCounter}.gestvenv-tmp`;
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** Errors that mean "this filesystem cannot hard-link these two paths". */
function isLinkUnsupported(error: unknown): boolean {
  const code = errorCode(error);
  return code === "EXDEV" || code === "EPERM" || code === "EMLINK" || code === "ENOTSUP" ||
    code === "EOPNOTSUPP" || error instanceof Deno.errors.NotSupported ||
    error instanceof Deno.errors.PermissionDenied;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/** Runs `place(tmp)` into a temp name beside `dest`, then renames it over `dest`. */
async function replaceWith(dest: string, place: (tmp: string) => Promise<void>): Promise<void> {
  const tmp = tempBeside(dest);
  await place(tmp);
  try {
    await Deno.rename(tmp, dest);
  } catch (error) {
    await Deno.remove(tmp).catch(() => {});
    throw error;
  }
}

async function reflinkWithCp(src: string, dest: string): Promise<boolean> {
  try {
    const out = await new Deno.Command("cp", {
      args: ["--reflink=always", "--", src, dest],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).output();
    return out.success;
  } catch {
    return false; // No `cp`, or no --allow-run: no way to check, so no clone.
  }
}

/** What {@linkcode Linker.place} did. */
export interface PlaceResult {
  /** A file (of another distribution, or a stray one) was already there and was replaced. */
  overwritten: boolean;
}

/**
 * Places stored files into environments with one link mode for a whole operation. The mode is
 * decided on the first file: the requested one is tried, then the next in `clone → hardlink →
 * copy` order; once hard links worked, a later failure is an error (as uv does).
 */
export class Linker {
  readonly #requested: LinkMode;
  readonly #onEvent: (event: LinkModeEvent) => void;
  #decision: Promise<LinkMode> | undefined;
  #mode: LinkMode | null = null;

  /**
   * @param requested The mode to try first (default {@linkcode defaultLinkMode}).
   * @param onEvent Receives one `link-mode` event when the mode is decided (with a warning when
   *   the requested mode did not work).
   */
  constructor(requested: LinkMode | undefined, onEvent: (event: LinkModeEvent) => void) {
    this.#requested = requested ?? defaultLinkMode();
    this.#onEvent = onEvent;
  }

  /** The mode in use, or null before the first file. */
  get mode(): LinkMode | null {
    return this.#mode;
  }

  /**
   * Places the stored file `src` at `dest` (whose directory exists). A file already at `dest` is
   * replaced by a rename (never written into). With `executable`, the result is executable: a
   * stored file without execute bits is copied rather than linked (its mode is shared).
   * Requires `--allow-read` and `--allow-write` (and `--allow-run` to check `clone` on Linux).
   *
   * @throws {OperationError} `link_failed` when hard links worked before and fail now; the
   *   underlying error for anything else (a missing stored file, a full disk).
   */
  async place(src: string, dest: string, executable: boolean): Promise<PlaceResult> {
    let mode = this.#mode;
    if (mode === null) {
      if (this.#decision === undefined) {
        const first = this.#decide(src, dest, executable);
        this.#decision = first.then((r) => r.mode);
        this.#decision.catch(() => {}); // Awaited by the files that wait for the decision.
        return { overwritten: (await first).overwritten };
      }
      mode = await this.#decision;
    }
    if (mode === "hardlink" && executable && !(await isExecutable(src))) {
      return await this.#copy(src, dest, executable);
    }
    if (mode === "hardlink") {
      try {
        return await this.#link(src, dest);
      } catch (error) {
        throw new OperationError(
          `Could not hard-link ${src} to ${dest}: ${(error as Error).message}`,
          "link_failed",
          { cause: error, hint: 'Pass `--link-mode copy` (or set `link_mode = "copy"`)' },
        );
      }
    }
    return await this.#copy(src, dest, executable);
  }

  async #decide(
    src: string,
    dest: string,
    executable: boolean,
  ): Promise<{ mode: LinkMode; overwritten: boolean }> {
    const warnings: string[] = [];
    for (const mode of LINK_MODES.slice(LINK_MODES.indexOf(this.#requested))) {
      if (mode === "clone") {
        if (Deno.build.os === "darwin") {
          const { overwritten } = await this.#copy(src, dest, executable);
          return { mode: this.#settle("clone", warnings), overwritten };
        }
        if (Deno.build.os === "linux") {
          const overwritten = await exists(dest);
          const tmp = tempBeside(dest);
          if (await reflinkWithCp(src, tmp)) {
            await setMode(tmp, executable);
            await Deno.rename(tmp, dest);
            return { mode: this.#settle("clone", warnings), overwritten };
          }
          await Deno.remove(tmp).catch(() => {});
        }
        warnings.push("the filesystem cannot clone (reflink) files from the cache");
        continue;
      }
      if (mode === "hardlink") {
        try {
          let overwritten: boolean;
          if (executable && !(await isExecutable(src))) {
            // This file must be copied; try hard links on a throwaway link to decide the mode.
            const probe = tempBeside(dest);
            await Deno.link(src, probe);
            await Deno.remove(probe);
            overwritten = (await this.#copy(src, dest, executable)).overwritten;
          } else overwritten = (await this.#link(src, dest)).overwritten;
          return { mode: this.#settle("hardlink", warnings), overwritten };
        } catch (error) {
          if (!isLinkUnsupported(error)) throw error;
          warnings.push(
            errorCode(error) === "EXDEV"
              ? "the cache and the environment are on different filesystems, so files are " +
                "copied instead of hard-linked (keep the cache on the environment's filesystem, " +
                "or pass `--link-mode copy` to silence this)"
              : `hard links failed (${(error as Error).message}), so files are copied`,
          );
          continue;
        }
      }
      const { overwritten } = await this.#copy(src, dest, executable);
      return { mode: this.#settle("copy", warnings), overwritten };
    }
    throw new Error("unreachable: copy always settles");
  }

  #settle(mode: LinkMode, warnings: string[]): LinkMode {
    this.#mode = mode;
    const event: LinkModeEvent = { kind: "link-mode", mode };
    if (mode !== this.#requested && warnings.length > 0) {
      event.warning = `Using link mode \`${mode}\` instead of \`${this.#requested}\`: ` +
        warnings.join("; ");
    }
    this.#onEvent(event);
    return mode;
  }

  async #link(src: string, dest: string): Promise<PlaceResult> {
    if (hardLinkNow(src, dest)) return { overwritten: false };
    await replaceWith(dest, (tmp) => {
      hardLinkNow(src, tmp, true);
      return Promise.resolve();
    });
    return { overwritten: true };
  }

  async #copy(src: string, dest: string, executable: boolean): Promise<PlaceResult> {
    const overwritten = await exists(dest);
    if (overwritten) {
      await replaceWith(dest, async (tmp) => {
        await Deno.copyFile(src, tmp);
        await setMode(tmp, executable);
      });
    } else {
      await Deno.copyFile(src, dest);
      await setMode(dest, executable);
    }
    return { overwritten };
  }
}

/**
 * Makes the hard link `dest` → `src` with the synchronous call: one link is a few µs of kernel
 * work, and an async op costs tens of µs more on the main thread; an install makes thousands.
 * Returns false when `dest` exists (unless `mustCreate`, which rethrows).
 */
function hardLinkNow(src: string, dest: string, mustCreate = false): boolean {
  try {
    Deno.linkSync(src, dest);
    return true;
  } catch (error) {
    if (mustCreate || !(error instanceof Deno.errors.AlreadyExists)) throw error;
    return false;
  }
}

async function isExecutable(path: string): Promise<boolean> {
  if (Deno.build.os === "windows") return true;
  const mode = (await Deno.stat(path)).mode;
  return mode !== null && (mode & 0o100) !== 0;
}

/** Gives a freshly made file (never a link into the store) the usual mode. */
async function setMode(path: string, executable: boolean): Promise<void> {
  if (Deno.build.os === "windows") return;
  await Deno.chmod(path, executable ? 0o755 : 0o644);
}
