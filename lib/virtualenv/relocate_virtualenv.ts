import { join } from "../paths/mod.ts";
import { BIN_NAME, inspectVirtualenv } from "./layout.ts";
import { formatPyvenvCfg, readPyvenvCfg } from "./pyvenv_cfg.ts";
import { ACTIVATOR_FILES, writeActivators } from "./write_activators.ts";

/** Options for {@linkcode relocateVirtualenv}. */
export interface RelocateOptions {
  /** The root path the environment's files name now (where it was built or used before). */
  oldRoot: string;
  /**
   * The root path they must name afterwards. @default the directory being rewritten (`root`);
   * differs when `root` is a staging directory that will be renamed to `newRoot`.
   */
  newRoot?: string | undefined;
  /** New activation prompt. @default unchanged */
  prompt?: string | undefined;
  /**
   * Write the activation scripts again for the new root. `false` when they already name it (an
   * environment built in a staging directory for its final path). @default true
   */
  activators?: boolean;
}

const MAX_REWRITE_BYTES = 4 * 1024 * 1024;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Replaces the path `from` by `to` wherever it appears as a whole path or a path prefix: followed
 * by a separator, a quote, white space or the end, never by more name characters. So with
 * `/envs/k` → `/envs/k2`, a text already naming `/envs/k2` is left alone (rewriting is idempotent,
 * and an interrupted rewrite can be finished or undone).
 */
export function replaceRoot(text: string, from: string, to: string): string {
  const pattern = new RegExp(`${escapeRegExp(from)}(?=$|[\\\\/"'\`\\s:;,)])`, "g");
  return text.replace(pattern, () => to);
}

async function rewriteIfContains(path: string, oldRoot: string, newRoot: string): Promise<boolean> {
  const stat = await Deno.lstat(path);
  if (!stat.isFile || stat.size > MAX_REWRITE_BYTES) return false;
  const bytes = await Deno.readFile(path);
  if (bytes.includes(0)) return false; // binary (e.g. a Windows launcher): not ours to edit
  const text = new TextDecoder().decode(bytes);
  const rewritten = replaceRoot(text, oldRoot, newRoot);
  if (rewritten === text) return false;
  await Deno.writeTextFile(path, rewritten, { mode: stat.mode ?? 0o644 });
  return true;
}

/**
 * Re-targets an environment whose files name `options.oldRoot` so that they name `newRoot` (by
 * default `root`, the directory being rewritten). A virtual environment holds absolute paths of
 * itself, so moving it is not enough: this rewrites the activation scripts (regenerated), the
 * prompt in `pyvenv.cfg`, every script in the scripts directory whose text names the old root
 * (console-script shebangs, `/bin/sh` launchers), and `.pth` files in site-packages that name it.
 * Binary files are left alone. Rewriting is idempotent (see {@linkcode replaceRoot}).
 *
 * Requires `--allow-read` and `--allow-write`.
 *
 * @returns The files rewritten.
 */
export async function relocateVirtualenv(
  root: string,
  options: RelocateOptions,
): Promise<string[]> {
  const changed: string[] = [];
  const newRoot = options.newRoot ?? root;
  const cfg = await readPyvenvCfg(root);
  const layout = await inspectVirtualenv(root);
  if (cfg === undefined || layout === undefined) return changed;
  if (options.prompt !== undefined) {
    cfg.set("prompt", options.prompt);
    await Deno.writeTextFile(join(root, "pyvenv.cfg"), formatPyvenvCfg(cfg));
    changed.push(join(root, "pyvenv.cfg"));
  }
  const prompt = cfg.get("prompt") ?? options.prompt ?? newRoot;
  const activators = options.activators === false
    ? ACTIVATOR_FILES.map((name) => join(layout.binDir, name))
    : await writeActivators(root, {
      prompt,
      binName: BIN_NAME,
      pathSep: Deno.build.os === "windows" ? ";" : ":",
      finalRoot: newRoot,
    });
  if (options.activators !== false) changed.push(...activators);
  const skip = new Set(activators);
  for await (const entry of Deno.readDir(layout.binDir)) {
    const path = join(layout.binDir, entry.name);
    if (
      entry.isFile && !skip.has(path) && await rewriteIfContains(path, options.oldRoot, newRoot)
    ) {
      changed.push(path);
    }
  }
  for (const site of layout.sitePackages) {
    try {
      for await (const entry of Deno.readDir(site)) {
        const path = join(site, entry.name);
        if (
          entry.isFile && entry.name.endsWith(".pth") &&
          await rewriteIfContains(path, options.oldRoot, newRoot)
        ) {
          changed.push(path);
        }
      }
    } catch { /* missing site-packages */ }
  }
  return changed;
}
