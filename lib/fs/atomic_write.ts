import { dirname } from "../paths/mod.ts";

let counter = 0;

/** Options for {@linkcode atomicWriteFile}. */
export interface AtomicWriteOptions {
  /** File mode for the new file (POSIX only). @default 0o644 */
  mode?: number;
  /** Create the parent directory when missing. @default true */
  createParents?: boolean;
}

/**
 * Writes `data` to `path` atomically: the bytes go to a temp file beside the target, which is
 * fsynced and then renamed over the target. A reader sees the old content or the new content,
 * never a torn file, and a crash leaves at worst a stray `*.tmp` file.
 *
 * Requires `--allow-write` and `--allow-read`.
 *
 * @throws {Deno.errors.PermissionDenied} If the directory is not writable.
 */
export async function atomicWriteFile(
  path: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const { mode = 0o644, createParents = true } = options;
  if (createParents) await Deno.mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${Deno.pid}.${++counter}.tmp`;
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const file = await Deno.open(tmp, { write: true, create: true, truncate: true, mode });
  try {
    let written = 0;
    while (written < bytes.length) written += await file.write(bytes.subarray(written));
    await file.syncData();
  } finally {
    file.close();
  }
  try {
    await Deno.rename(tmp, path);
  } catch (error) {
    await Deno.remove(tmp).catch(() => {});
    throw error;
  }
}
