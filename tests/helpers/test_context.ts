/**
 * A sealed room for CLI tests (uv's `TestContext`): a temp `GESTVENV_HOME`, a local PEP 503 index
 * on 127.0.0.1 with small wheels, pip's machine configuration switched off, `NO_COLOR=1`, and the
 * real CLI spawned with the compile task's permissions.
 *
 * @module
 */
import { join } from "node:path";
import { PERMISSION_FLAGS } from "../../commands/_self.ts";
import type { RegistryFile } from "../../lib/environments/mod.ts";
import { buildWheel, type BuiltWheel } from "./build_wheel.ts";
import { type LocalIndex, serveIndex, type ServeOptions } from "./local_index.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/** The outcome of one CLI run. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A test's private gestvenv home, index and CLI runner. */
export interface TestContext {
  /** The temp `GESTVENV_HOME`. */
  home: string;
  /** A temp directory for the test's own files. */
  work: string;
  /** Environment variables the CLI runs with. */
  env: Record<string, string>;
  /** The local index. */
  index: LocalIndex;
  /** Runs `gestvenv ARGS...`. */
  run(
    args: string[],
    options?: { env?: Record<string, string>; stdin?: string },
  ): Promise<CliResult>;
  /** Runs a program with the test environment (e.g. an environment's python). */
  exec(
    program: string,
    args: string[],
    options?: { env?: Record<string, string> },
  ): Promise<CliResult>;
  /** Reads the registry file. */
  registry(): Promise<RegistryFile>;
  /** Path of a named environment in this home. */
  envPath(name: string): string;
  /** Removes everything and stops the index. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** The standard test distributions: a package with a dependency and a console script, and more. */
export function standardWheels(): BuiltWheel[] {
  return [
    buildWheel({ name: "demo-dep", version: "1.0.0" }),
    buildWheel({ name: "demo-dep", version: "2.0.0" }),
    buildWheel({
      name: "demo-pkg",
      version: "1.0.0",
      dependencies: ["demo-dep>=1"],
      scripts: { "demo-cli": "demo_pkg:main" },
    }),
    buildWheel({
      name: "demo-pkg",
      version: "1.1.0",
      dependencies: ["demo-dep>=1"],
      scripts: { "demo-cli": "demo_pkg:main" },
    }),
    buildWheel({ name: "other-pkg", version: "2.0.0" }),
    buildWheel({ name: "third_pkg", version: "0.3.0" }),
  ];
}

const decoder = new TextDecoder();

/**
 * Creates a test context; use with `await using ctx = await createTestContext()`. The CLI runs with
 * its default backend (`native`); pass `--backend pip` or `uv` to test those.
 */
export async function createTestContext(
  wheels: BuiltWheel[] = standardWheels(),
  serve: ServeOptions = {},
): Promise<TestContext> {
  const root = await Deno.makeTempDir({ prefix: "gestvenv-test-" });
  const home = join(root, "home");
  const work = join(root, "work");
  await Deno.mkdir(work);
  const index = serveIndex(wheels, serve);
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(Deno.env.toObject())) {
    if (
      k.startsWith("PIP_") || k.startsWith("GESTVENV_") || k.startsWith("UV_") ||
      k === "VIRTUAL_ENV"
    ) continue;
    base[k] = v;
  }
  const env: Record<string, string> = {
    ...base,
    GESTVENV_HOME: home,
    NO_COLOR: "1",
    COLUMNS: "100",
    PIP_CONFIG_FILE: "/dev/null",
    PIP_INDEX_URL: index.url,
    PIP_NO_CACHE_DIR: "1",
    PIP_DISABLE_PIP_VERSION_CHECK: "1",
    UV_NO_CACHE: "1",
  };
  const exec = async (
    program: string,
    args: string[],
    options: { env?: Record<string, string>; stdin?: string } = {},
  ) => {
    const child = new Deno.Command(program, {
      args,
      env: { ...env, ...options.env },
      clearEnv: true,
      cwd: work,
      stdin: options.stdin === undefined ? "null" : "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    if (options.stdin !== undefined) {
      const writer = child.stdin.getWriter();
      await writer.write(new TextEncoder().encode(options.stdin));
      await writer.close();
    }
    const out = await child.output();
    return {
      code: out.code,
      stdout: decoder.decode(out.stdout),
      stderr: decoder.decode(out.stderr),
    };
  };
  return {
    home,
    work,
    env,
    index,
    run: (args, options) =>
      exec(Deno.execPath(), ["run", "--quiet", ...PERMISSION_FLAGS, MAIN, ...args], options),
    exec,
    async registry() {
      return JSON.parse(
        await Deno.readTextFile(join(home, "environments.json")),
      ) as RegistryFile;
    },
    envPath: (name) => join(home, "environments", name),
    async [Symbol.asyncDispose]() {
      await index.close();
      await Deno.remove(root, { recursive: true }).catch(() => {});
    },
  };
}

/**
 * Runs `gestvenv ARGS` in `ctx` with every permission gestvenv has except the network
 * (`--deny-net`): the proof that a command opens no connection.
 */
export function runDenyNet(
  ctx: TestContext,
  args: string[],
  env: Record<string, string> = {},
): Promise<CliResult> {
  const flags = PERMISSION_FLAGS.filter((f) => f !== "--allow-net");
  return ctx.exec(Deno.execPath(), ["run", "--quiet", ...flags, "--deny-net", MAIN, ...args], {
    env,
  });
}

/** Asserts a CLI result succeeded, showing its output when it did not. */
export function assertOk(result: CliResult, message = "command failed"): void {
  if (result.code !== 0) {
    throw new Error(
      `${message} (exit ${result.code})\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`,
    );
  }
}
