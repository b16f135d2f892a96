/**
 * Calling one PEP 517 / PEP 660 hook: the driver script (`templates/pep517_driver.ts`) is written
 * to a temporary control directory and run by the build environment's interpreter, in the source
 * tree; the hook's result comes back as JSON in a file, the backend's output as lines.
 *
 * @module
 */
import { join } from "../paths/mod.ts";
import { BuildError, throwIfInterrupted } from "../errors/mod.ts";
import type { VirtualenvLayout } from "../virtualenv/mod.ts";
import { PEP517_DRIVER } from "../../templates/mod.ts";
import type { BuildSystem } from "./build_system.ts";

/** The hooks gestvenv calls (PEP 517 "Build backend interface", PEP 660 "Build editable"). */
export type HookName =
  | "get_requires_for_build_wheel"
  | "get_requires_for_build_editable"
  | "prepare_metadata_for_build_wheel"
  | "prepare_metadata_for_build_editable"
  | "build_wheel"
  | "build_editable";

/** How many lines of the backend's output a failure message shows. */
export const OUTPUT_TAIL_LINES = 40;

/** Options for {@linkcode runHook}. */
export interface RunHookOptions {
  /** The build environment (its interpreter runs the driver). */
  env: VirtualenvLayout;
  /** The source tree (the hook's working directory). */
  tree: string;
  /** The backend to call. */
  buildSystem: BuildSystem;
  /** What is being built, for messages (`demo-1.0.tar.gz`, a directory). */
  source: string;
  /** Whether the interpreter knows `-I` (3.4+); `-E -s` otherwise. */
  isolatedFlag: boolean;
  /** Each line the backend prints, as it comes. */
  onOutput?: ((line: string) => void) | undefined;
  /** Aborting kills the backend (SIGINT/SIGTERM as the reason says). */
  signal?: AbortSignal | undefined;
}

const HINTS: Record<string, string> = {
  backend_unavailable:
    "The build backend is not installed in the build environment: check `build-system.requires` " +
    "and `build-backend` in the package's pyproject.toml",
  backend_invalid:
    "`backend-path` must hold the in-tree backend; check the package's pyproject.toml",
  hook_missing: "Use a non-editable install, or a version of the package whose backend supports it",
  bad_wheel: "The build backend produced an unusable wheel; report it to the package's authors",
};

const FAILED_HINT =
  "This is a failure of the package's own build, not of gestvenv: read the backend's output " +
  "above (missing compilers or system libraries are common causes), or use a version of the " +
  "package that has a wheel for this platform";

/** Keeps the last `limit` lines. */
class Tail {
  readonly #lines: string[] = [];
  constructor(readonly limit: number) {}
  push(line: string): void {
    this.#lines.push(line);
    if (this.#lines.length > this.limit) this.#lines.shift();
  }
  text(): string {
    return this.#lines.join("\n");
  }
}

async function pumpLines(
  stream: ReadableStream<Uint8Array>,
  onLine: (line: string) => void,
): Promise<void> {
  let pending = "";
  for await (const text of stream.pipeThrough(new TextDecoderStream())) {
    pending += text;
    const lines = pending.split(/\r?\n/);
    pending = lines.pop()!;
    for (const line of lines) onLine(line);
  }
  if (pending !== "") onLine(pending);
}

function indent(text: string): string {
  return text.split("\n").map((l) => `  ${l}`).join("\n");
}

/** The environment of the backend process: no `PYTHONPATH`/`PYTHONHOME`, the env's bin first. */
function backendEnv(env: VirtualenvLayout): Record<string, string> {
  const vars = Deno.env.toObject();
  for (const name of ["PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONSAFEPATH"]) {
    delete vars[name];
  }
  const sep = Deno.build.os === "windows" ? ";" : ":";
  const pathKey = Object.keys(vars).find((k) => k.toUpperCase() === "PATH") ?? "PATH";
  vars[pathKey] = vars[pathKey] ? `${env.binDir}${sep}${vars[pathKey]}` : env.binDir;
  vars["VIRTUAL_ENV"] = env.root;
  vars["PYTHONNOUSERSITE"] = "1";
  vars["PYTHONIOENCODING"] = "utf-8";
  vars["PYTHONUNBUFFERED"] = "1";
  return vars;
}

/**
 * Calls `hook` with keyword arguments `kwargs` through the driver and returns what the hook
 * returned (JSON). The driver and its control files live in a temporary directory removed
 * afterwards.
 *
 * Requires `--allow-run`, `--allow-read`, `--allow-write` and `--allow-env`.
 *
 * @throws {BuildError} when the backend process fails (exit code = its code; the message ends
 *   with its last {@linkcode OUTPUT_TAIL_LINES} lines of output), cannot be imported, lacks a
 *   required hook, or writes no result.
 * @throws {InterruptedError} when `signal` was aborted by SIGINT/SIGTERM (the backend got it).
 */
export async function runHook(
  hook: HookName,
  kwargs: Record<string, unknown>,
  options: RunHookOptions,
): Promise<unknown> {
  throwIfInterrupted(options.signal);
  const control = await Deno.makeTempDir({ prefix: "gestvenv-pep517-" });
  try {
    const driver = join(control, "pep517_driver.py");
    await Deno.writeTextFile(driver, PEP517_DRIVER);
    await Deno.writeTextFile(
      join(control, "input.json"),
      JSON.stringify({
        backend: options.buildSystem.backend,
        backend_path: options.buildSystem.backendPath,
        kwargs,
      }),
    );
    // -u: unbuffered (-I ignores PYTHONUNBUFFERED), so output arrives as it is written.
    const flags = options.isolatedFlag ? ["-I", "-u"] : ["-E", "-s", "-u"];
    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command(options.env.python, {
        args: [...flags, driver, hook, control],
        cwd: options.tree,
        env: backendEnv(options.env),
        clearEnv: true,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
    } catch (error) {
      throw new BuildError(
        `Cannot start the build environment's interpreter ${options.env.python}: ${
          (error as Error).message
        }`,
        options.source,
        undefined,
        { cause: error, hint: "Remove the build environment cache (`build-envs-v1`) and retry" },
      );
    }
    const forward = () => {
      const reason = options.signal?.reason;
      try {
        child.kill(reason === "SIGINT" || reason === "SIGTERM" ? reason : "SIGTERM");
      } catch { /* already gone */ }
    };
    options.signal?.addEventListener("abort", forward, { once: true });
    if (options.signal?.aborted) forward();
    const tail = new Tail(OUTPUT_TAIL_LINES);
    const onLine = (line: string) => {
      tail.push(line);
      options.onOutput?.(line);
    };
    let status: Deno.CommandStatus;
    try {
      [status] = await Promise.all([
        child.status,
        pumpLines(child.stdout, onLine),
        pumpLines(child.stderr, onLine),
      ]);
    } finally {
      options.signal?.removeEventListener("abort", forward);
    }
    throwIfInterrupted(options.signal);
    const output = tail.text();
    const shown = output === "" ? "" : `; the last lines of its output:\n${indent(output)}`;
    if (status.code !== 0) {
      throw new BuildError(
        `Building ${options.source} failed: the build backend \`${options.buildSystem.backend}\` ` +
          `exited with code ${status.code} in ${hook}${shown}`,
        options.source,
        status.code,
        { hint: FAILED_HINT },
      );
    }
    let result: { return?: unknown; error?: string; message?: string; traceback?: string };
    try {
      result = JSON.parse(await Deno.readTextFile(join(control, "output.json")));
    } catch (error) {
      throw new BuildError(
        `Building ${options.source} failed: the build backend \`${options.buildSystem.backend}\` ` +
          `ended ${hook} without a result${shown}`,
        options.source,
        undefined,
        { cause: error, hint: FAILED_HINT },
      );
    }
    if (result.error !== undefined) {
      const trace = result.traceback ? `\n${indent(result.traceback.trimEnd())}` : "";
      throw new BuildError(
        `Building ${options.source} failed: ${result.message ?? result.error}${trace}${shown}`,
        options.source,
        undefined,
        { hint: HINTS[result.error] ?? FAILED_HINT },
      );
    }
    return result.return;
  } finally {
    await Deno.remove(control, { recursive: true }).catch(() => {});
  }
}
