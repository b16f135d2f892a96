import { basename, dirname, join } from "../paths/mod.ts";
import { OperationError } from "../errors/mod.ts";
import { isEmptyDir, pathExists } from "../fs/mod.ts";
import { baseExecutable, type Interpreter, minorVersion } from "../python/mod.ts";
import { BIN_NAME, type VirtualenvLayout } from "./layout.ts";
import { formatPyvenvCfg, type PyvenvCfg } from "./pyvenv_cfg.ts";
import { writeActivators } from "./write_activators.ts";

/** Options for {@linkcode createVirtualenv}. */
export interface CreateVirtualenvOptions {
  /** Prompt shown by the activation scripts. @default the directory name */
  prompt?: string | undefined;
  /** Let the environment see the base interpreter's site-packages. @default false */
  systemSitePackages?: boolean;
  /** Version of gestvenv written into `pyvenv.cfg` (marks environments gestvenv made). */
  creatorVersion: string;
  /**
   * The path the environment will be used at, when `root` is a staging directory that is renamed
   * there once complete: the activation scripts name it. @default root
   */
  finalRoot?: string | undefined;
}

const IS_WINDOWS = Deno.build.os === "windows";

async function linkPosixInterpreter(binDir: string, interpreter: Interpreter): Promise<string> {
  const info = interpreter.info;
  const base = baseExecutable(info);
  const python = join(binDir, "python");
  await Deno.symlink(base, python);
  const names = new Set<string>(["python3", `python${minorVersion(info)}`]);
  if (info.implementation === "pypy") {
    names.add("pypy").add("pypy3").add(`pypy${minorVersion(info)}`);
  }
  if (info.implementation === "graalpy") names.add("graalpy");
  if (info.gil_disabled) names.add(`python${minorVersion(info)}t`);
  for (const name of names) await Deno.symlink("python", join(binDir, name));
  return python;
}

async function copyWindowsLaunchers(binDir: string, interpreter: Interpreter): Promise<string> {
  // CPython ships venv launchers in <stdlib>/venv/scripts/nt: python.exe and pythonw.exe before
  // 3.13, venvlauncher.exe and venvwlauncher.exe from 3.13 on. They read `home` from pyvenv.cfg.
  const nt = join(interpreter.info.stdlib, "venv", "scripts", "nt");
  const suffix = interpreter.info.gil_disabled ? "t" : "";
  const pairs: Array<[string, string]> = (await pathExists(join(nt, `venvlauncher${suffix}.exe`)))
    ? [[`venvlauncher${suffix}.exe`, "python.exe"], [`venvwlauncher${suffix}.exe`, "pythonw.exe"]]
    : [["python.exe", "python.exe"], ["pythonw.exe", "pythonw.exe"]];
  if (await pathExists(join(nt, pairs[0]![0]))) {
    for (const [from, to] of pairs) {
      if (await pathExists(join(nt, from))) await Deno.copyFile(join(nt, from), join(binDir, to));
    }
  } else {
    // No launcher (embedded or some third-party builds): copy the interpreter and its DLLs.
    const home = dirname(baseExecutable(interpreter.info));
    for await (const entry of Deno.readDir(home)) {
      if (
        entry.isFile &&
        /^(pythonw?\.exe|python\d*t?\.dll|vcruntime\d+(_\d)?\.dll)$/i.test(entry.name)
      ) {
        await Deno.copyFile(join(home, entry.name), join(binDir, entry.name));
      }
    }
  }
  return join(binDir, "python.exe");
}

/**
 * Creates a PEP 405 virtual environment at `root` for `interpreter`, natively (no `python -m venv`):
 * `pyvenv.cfg`, the interpreter links (`bin/python`, `python3`, `python3.X` as symlinks on POSIX;
 * launcher copies in `Scripts\` on Windows), site-packages from the interpreter's `venv` scheme,
 * the `lib64 -> lib` link on 64-bit POSIX other than macOS (as CPython's venv does), a `.gitignore`
 * and the activation scripts. No pip is installed.
 *
 * If creation fails, everything it made is removed; a directory that existed before is kept.
 * Requires `--allow-read` and `--allow-write`.
 *
 * @throws {OperationError} `environment_exists` if `root` exists and is not an empty directory;
 *   `python_too_old` for interpreters older than 3.3 (no PEP 405 support).
 */
export async function createVirtualenv(
  root: string,
  interpreter: Interpreter,
  options: CreateVirtualenvOptions,
): Promise<VirtualenvLayout> {
  const info = interpreter.info;
  if (info.version_info[0] < 3 || (info.version_info[0] === 3 && info.version_info[1] < 3)) {
    throw new OperationError(
      `Python ${info.version} cannot host a PEP 405 virtual environment`,
      "python_too_old",
      { hint: "Choose Python 3.3 or newer with `--python`" },
    );
  }
  let rootExisted = false;
  try {
    const stat = await Deno.stat(root);
    rootExisted = true;
    const empty = stat.isDirectory && await isEmptyDir(root);
    if (!empty) {
      throw new OperationError(
        `A file or directory already exists at ${root}`,
        "environment_exists",
        {
          hint: "Choose another name or `--path`, or remove what is there yourself",
        },
      );
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  try {
    if (!rootExisted) {
      await Deno.mkdir(dirname(root), { recursive: true });
      await Deno.mkdir(root);
    }
    const scheme = info.scheme.paths;
    const binDir = join(root, BIN_NAME);
    const purelib = join(
      root,
      scheme.purelib ||
        (IS_WINDOWS ? "Lib/site-packages" : `lib/python${minorVersion(info)}/site-packages`),
    );
    const platlib = join(root, scheme.platlib || scheme.purelib);
    await Deno.mkdir(binDir, { recursive: true });
    await Deno.mkdir(purelib, { recursive: true });
    if (platlib !== purelib) await Deno.mkdir(platlib, { recursive: true });
    if (
      !IS_WINDOWS && info.pointer_size === 64 && Deno.build.os !== "darwin" &&
      scheme.purelib.startsWith("lib/")
    ) {
      await Deno.symlink("lib", join(root, "lib64"));
    }
    const python = IS_WINDOWS
      ? await copyWindowsLaunchers(binDir, interpreter)
      : await linkPosixInterpreter(binDir, interpreter);
    const prompt = options.prompt ?? basename(options.finalRoot ?? root);
    const [major, minor, micro, level, serial] = info.version_info;
    const cfg: PyvenvCfg = new Map([
      ["home", dirname(baseExecutable(info))],
      ["implementation", info.implementation_display],
      ["version", info.version],
      ["version_info", `${major}.${minor}.${micro}.${level}.${serial}`],
      ["gestvenv", options.creatorVersion],
      ["include-system-site-packages", options.systemSitePackages ? "true" : "false"],
      ["prompt", prompt],
    ]);
    await Deno.writeTextFile(join(root, "pyvenv.cfg"), formatPyvenvCfg(cfg));
    await Deno.writeTextFile(join(root, ".gitignore"), "# Created by gestvenv\n*\n");
    await writeActivators(root, {
      prompt,
      binName: BIN_NAME,
      pathSep: IS_WINDOWS ? ";" : ":",
      finalRoot: options.finalRoot,
    });
    const sitePackages = platlib === purelib ? [purelib] : [purelib, platlib];
    return { root, binDir, python, sitePackages };
  } catch (error) {
    if (!rootExisted) {
      await Deno.remove(root, { recursive: true }).catch(() => {});
    } else {
      // The directory was empty before: everything in it now is ours.
      for await (const entry of Deno.readDir(root)) {
        await Deno.remove(join(root, entry.name), { recursive: true }).catch(() => {});
      }
    }
    throw error;
  }
}
