/**
 * A real virtual environment and a temp file store for installer tests.
 *
 * @module
 */
import { join } from "node:path";
import type { InstallTarget } from "../../lib/installer/mod.ts";
import { findInterpreter, minorVersion } from "../../lib/python/mod.ts";
import { createVirtualenv } from "../../lib/virtualenv/mod.ts";

/** A temp directory with an environment (`env`) and a store (`store`). */
export interface InstallFixture {
  /** The temp directory holding everything. */
  dir: string;
  /** The test file store (see `unpacked_wheel.ts`). */
  store: string;
  /** The environment as an install target. */
  target: InstallTarget;
  /** Runs a program with a clean environment (`PIP_CONFIG_FILE=/dev/null`). */
  run(program: string, args?: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  /** Runs `python -c CODE` in the environment. */
  python(code: string): Promise<{ code: number; stdout: string; stderr: string }>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Creates an environment at `<tmp>/<envName>` for the first `python3` on PATH. */
export async function createInstallFixture(
  options: { envName?: string; store?: string } = {},
): Promise<InstallFixture> {
  const dir = await Deno.makeTempDir({ prefix: "gestvenv-installer-" });
  const store = options.store ?? join(dir, "store");
  await Deno.mkdir(store, { recursive: true });
  const interpreter = await findInterpreter(undefined);
  const layout = await createVirtualenv(join(dir, options.envName ?? "env"), interpreter, {
    creatorVersion: "test",
  });
  const target: InstallTarget = { layout, pythonVersion: minorVersion(interpreter.info) };
  const decoder = new TextDecoder();
  const run = async (program: string, args: string[] = []) => {
    const out = await new Deno.Command(program, {
      args,
      env: { PIP_CONFIG_FILE: "/dev/null", PYTHONDONTWRITEBYTECODE: "1" },
      stdin: "null",
    }).output();
    return {
      code: out.code,
      stdout: decoder.decode(out.stdout),
      stderr: decoder.decode(out.stderr),
    };
  };
  return {
    dir,
    store,
    target,
    run,
    python: (code) => run(layout.python, ["-c", code]),
    async [Symbol.asyncDispose]() {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
      if (options.store !== undefined) {
        await Deno.remove(options.store, { recursive: true }).catch(() => {});
      }
    },
  };
}

/** Every path under `root` with its kind (`f`, `d`, `l`), sorted: a tree to compare. */
export async function treeListing(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string, rel: string) => {
    for await (const entry of Deno.readDir(dir)) {
      const path = rel === "" ? entry.name : `${rel}/${entry.name}`;
      out.push(`${entry.isDirectory ? "d" : entry.isSymlink ? "l" : "f"} ${path}`);
      if (entry.isDirectory) await walk(join(dir, entry.name), path);
    }
  };
  await walk(root, "");
  return out.sort();
}
