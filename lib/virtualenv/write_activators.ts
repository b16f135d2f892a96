import { join } from "../paths/mod.ts";
import {
  ACTIVATE_BAT,
  ACTIVATE_CSH,
  ACTIVATE_FISH,
  ACTIVATE_NU,
  ACTIVATE_PS1,
  ACTIVATE_SH,
  DEACTIVATE_BAT,
} from "../../templates/mod.ts";

/** Options for {@linkcode writeActivators}. */
export interface ActivatorOptions {
  /** Prompt prefix shown while the environment is active. */
  prompt: string;
  /** Scripts directory name: `bin` on POSIX, `Scripts` on Windows. */
  binName: string;
  /** Path separator of the target OS (`:` or `;`). */
  pathSep: string;
  /**
   * The path the environment will have when in use, when it is being built elsewhere (a staging
   * directory renamed into place later). @default root
   */
  finalRoot?: string | undefined;
}

const quoteSh = (s: string) => s.replaceAll("'", `'\\''`);
const quoteFish = (s: string) => s.replaceAll("\\", "\\\\").replaceAll("'", "\\'");
const quotePs1 = (s: string) => s.replaceAll("'", "''");
const same = (s: string) => s;

const ACTIVATORS: ReadonlyArray<[string, string, (s: string) => string]> = [
  ["activate", ACTIVATE_SH, quoteSh],
  ["activate.csh", ACTIVATE_CSH, quoteSh],
  ["activate.fish", ACTIVATE_FISH, quoteFish],
  ["activate.nu", ACTIVATE_NU, same],
  ["Activate.ps1", ACTIVATE_PS1, quotePs1],
  ["activate.bat", ACTIVATE_BAT, same],
  ["deactivate.bat", DEACTIVATE_BAT, same],
];

/** File names of the activation scripts written into the scripts directory. */
export const ACTIVATOR_FILES: readonly string[] = ACTIVATORS.map(([name]) => name);

/**
 * Writes the activation scripts of the environment at `root` into its scripts directory: `activate`
 * (sh, bash, zsh), `activate.csh`, `activate.fish`, `activate.nu`, `Activate.ps1`, `activate.bat`
 * and `deactivate.bat`, each with the environment's absolute path and prompt substituted and
 * quoted for its shell. Existing scripts are overwritten (this is how `rename` re-targets them).
 *
 * Requires `--allow-write`.
 *
 * @returns The absolute paths written.
 */
export async function writeActivators(root: string, options: ActivatorOptions): Promise<string[]> {
  const dir = join(root, options.binName);
  return await Promise.all(ACTIVATORS.map(async ([name, template, quote]) => {
    const text = template
      .replaceAll("__VIRTUAL_ENV__", quote(options.finalRoot ?? root))
      .replaceAll("__VIRTUAL_PROMPT__", quote(options.prompt))
      .replaceAll("__BIN_NAME__", options.binName)
      .replaceAll("__PATH_SEP__", options.pathSep);
    const path = join(dir, name);
    await Deno.writeTextFile(path, text);
    return path;
  }));
}
