/**
 * Where a wheel's parts go inside a virtual environment (binary distribution format spec,
 * "Installing a wheel": the scheme's purelib, platlib, scripts, headers and data paths).
 *
 * @module
 */
import { OperationError } from "../errors/mod.ts";
import { join, normalize } from "../paths/mod.ts";
import { inspectVirtualenv, readPyvenvCfg, type VirtualenvLayout } from "../virtualenv/mod.ts";

const SEP = Deno.build.os === "windows" ? "\\" : "/";

/** The environment a wheel is installed into. */
export interface InstallTarget {
  /** The environment's layout (`lib/virtualenv`'s `inspectVirtualenv` or `createVirtualenv`). */
  layout: VirtualenvLayout;
  /** The environment interpreter's `major.minor`, e.g. `3.12`. */
  pythonVersion: string;
}

/** The absolute install paths of a scheme inside one environment. */
export interface SchemeDirs {
  /** The environment root (`data` goes here). */
  root: string;
  /** Pure-Python site-packages. */
  purelib: string;
  /** Platform site-packages (the same directory in a virtual environment). */
  platlib: string;
  /** Scripts: `<root>/bin`. */
  scripts: string;
  /** Headers root; a distribution's headers go to `<headers>/<Name>` (pip's venv scheme). */
  headers: string;
}

/**
 * The install paths of `target`: site-packages is the one of `pythonVersion`
 * (`lib/pythonX.Y/site-packages`), else the layout's first; headers go to
 * `include/site/pythonX.Y` as pip's virtual-environment scheme puts them.
 *
 * @throws {OperationError} `no_site_packages` when the layout has no site-packages.
 */
export function schemeDirs(target: InstallTarget): SchemeDirs {
  const { layout, pythonVersion } = target;
  const site =
    layout.sitePackages.find((p) =>
      normalize(p).split(/[\\/]/).includes(`python${pythonVersion}`)
    ) ?? layout.sitePackages[0];
  if (site === undefined) {
    throw new OperationError(
      `The environment at ${layout.root} has no site-packages directory`,
      "no_site_packages",
      { hint: "The environment is broken: recreate it" },
    );
  }
  return {
    root: normalize(layout.root),
    purelib: normalize(site),
    platlib: normalize(site),
    scripts: normalize(layout.binDir),
    headers: join(layout.root, "include", "site", `python${pythonVersion}`),
  };
}

/** Whether `path` (absolute, normalized) is `dir` or inside it. */
export function isInside(path: string, dir: string): boolean {
  if (path === dir) return true;
  return path.startsWith(dir.endsWith(SEP) ? dir : dir + SEP);
}

/**
 * `to` relative to the directory `from`, `/`-separated (`../../../bin/x`), as RECORD writes
 * paths of files outside site-packages. Both must be absolute and normalized.
 */
export function relativePath(from: string, to: string): string {
  const a = from.split(/[\\/]+/).filter((s) => s !== "");
  const b = to.split(/[\\/]+/).filter((s) => s !== "");
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  return [...Array(a.length - common).fill(".."), ...b.slice(common)].join("/");
}

/**
 * The install target of the environment at `root`: its layout (`inspectVirtualenv`) and its
 * interpreter's `major.minor`, read from `pyvenv.cfg` (`version_info`, or `version` as older
 * creators write it), else from the `lib/pythonX.Y` directory name. Requires `--allow-read`.
 *
 * @throws {OperationError} `not_an_environment` when `root` has no `pyvenv.cfg`;
 *   `unknown_python_version` when the version cannot be found.
 */
export async function installTargetAt(root: string): Promise<InstallTarget> {
  const layout = await inspectVirtualenv(root);
  if (layout === undefined) {
    throw new OperationError(
      `${root} is not a virtual environment (no pyvenv.cfg)`,
      "not_an_environment",
      {
        hint: "Pass the root of an environment (the directory holding pyvenv.cfg)",
      },
    );
  }
  const cfg = await readPyvenvCfg(root);
  const fromCfg = /^(\d+)\.(\d+)/.exec(cfg?.get("version_info") ?? cfg?.get("version") ?? "");
  const fromDir = layout.sitePackages.map((p) => /python(\d+\.\d+)t?[\\/]/.exec(p)?.[1])
    .find((v) => v !== undefined);
  const pythonVersion = fromCfg !== null ? `${fromCfg[1]}.${fromCfg[2]}` : fromDir;
  if (pythonVersion === undefined) {
    throw new OperationError(
      `Cannot tell which Python the environment at ${root} uses`,
      "unknown_python_version",
      { hint: "Its pyvenv.cfg has no version_info: recreate the environment" },
    );
  }
  return { layout, pythonVersion };
}
