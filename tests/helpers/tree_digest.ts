/**
 * A digest of a directory tree, to prove that a refused operation changed nothing: every file with
 * its sha256 and mode, every symlink with its target, every directory, sorted.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { join } from "node:path";

/**
 * `["d bin", "f bin/python3 0o755 <sha256>", "l bin/python -> python3", ...]` for everything under
 * `root` (paths relative, `/`-separated). Compare two digests with `assertEquals`.
 */
export async function treeDigest(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string, rel: string) => {
    for await (const entry of Deno.readDir(dir)) {
      const path = rel === "" ? entry.name : `${rel}/${entry.name}`;
      const abs = join(dir, entry.name);
      if (entry.isSymlink) out.push(`l ${path} -> ${await Deno.readLink(abs)}`);
      else if (entry.isDirectory) {
        out.push(`d ${path}`);
        await walk(abs, path);
      } else {
        const mode = ((await Deno.lstat(abs)).mode ?? 0) & 0o7777;
        const hash = createHash("sha256").update(await Deno.readFile(abs)).digest("hex");
        out.push(`f ${path} 0o${mode.toString(8)} ${hash}`);
      }
    }
  };
  await walk(root, "");
  return out.sort();
}
