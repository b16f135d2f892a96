/**
 * `pyvenv.cfg`, the marker file of a PEP 405 virtual environment ("Specification": `key = value`
 * lines; `home` names the directory of the base interpreter).
 *
 * @module
 */

/** The keys of a `pyvenv.cfg` file, in file order. Unknown keys are kept. */
export type PyvenvCfg = Map<string, string>;

/** Parses the text of a `pyvenv.cfg` file. Lines without `=` and comments are ignored. */
export function parsePyvenvCfg(text: string): PyvenvCfg {
  const cfg: PyvenvCfg = new Map();
  for (const line of text.split(/\r?\n/)) {
    const eq = line.indexOf("=");
    if (eq < 0 || line.trimStart().startsWith("#")) continue;
    cfg.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return cfg;
}

/** Renders a `pyvenv.cfg` file, one `key = value` line per entry. */
export function formatPyvenvCfg(cfg: PyvenvCfg): string {
  return [...cfg].map(([k, v]) => `${k} = ${v}`).join("\n") + "\n";
}

/**
 * Reads `<root>/pyvenv.cfg`, or returns undefined when the file is missing.
 * Requires `--allow-read`.
 */
export async function readPyvenvCfg(root: string): Promise<PyvenvCfg | undefined> {
  try {
    return parsePyvenvCfg(await Deno.readTextFile(`${root}/pyvenv.cfg`));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory) {
      return undefined;
    }
    throw error;
  }
}
