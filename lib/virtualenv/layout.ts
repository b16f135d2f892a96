import { join } from "../paths/mod.ts";
import { readPyvenvCfg } from "./pyvenv_cfg.ts";

/** Where things are inside a virtual environment; all paths absolute. */
export interface VirtualenvLayout {
  /** The environment root (`sys.prefix` inside it). */
  root: string;
  /** Scripts directory: `<root>/bin` or `<root>\Scripts`. */
  binDir: string;
  /** The environment's interpreter: `<bin>/python` or `<Scripts>\python.exe`. */
  python: string;
  /** The site-packages directories (purelib first; platlib when different). */
  sitePackages: string[];
}

const IS_WINDOWS = Deno.build.os === "windows";

/** Scripts directory name for the current OS. */
export const BIN_NAME: string = IS_WINDOWS ? "Scripts" : "bin";

/**
 * Reads the layout of the environment at `root` from disk: its `pyvenv.cfg` must exist, and its
 * site-packages are found under `lib/python*` (`Lib` on Windows). Requires `--allow-read`.
 *
 * @returns The layout, or undefined when `root` holds no `pyvenv.cfg` (not an environment).
 */
export async function inspectVirtualenv(root: string): Promise<VirtualenvLayout | undefined> {
  const cfg = await readPyvenvCfg(root);
  if (cfg === undefined) return undefined;
  const binDir = join(root, BIN_NAME);
  const python = join(binDir, IS_WINDOWS ? "python.exe" : "python");
  const sitePackages: string[] = [];
  if (IS_WINDOWS) {
    sitePackages.push(join(root, "Lib", "site-packages"));
  } else {
    try {
      const names: string[] = [];
      for await (const entry of Deno.readDir(join(root, "lib"))) {
        if (entry.isDirectory && /^(python|pypy)\d/.test(entry.name)) names.push(entry.name);
      }
      for (const name of names.sort()) sitePackages.push(join(root, "lib", name, "site-packages"));
    } catch {
      // No lib/ yet: a broken environment, reported by the caller when it needs site-packages.
    }
  }
  return { root, binDir, python, sitePackages };
}
