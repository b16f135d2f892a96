import { BackendError } from "../errors/mod.ts";
import { join } from "../paths/mod.ts";
import { compareVersions, parseVersion, tryParseVersion } from "../pep440/mod.ts";
import type { BackendCallOptions, BackendOutput, BackendTarget } from "./backend.ts";
import { failIfUnsuccessful, runTool } from "./_run_tool.ts";
import { pipIndexEnv, pipNetworkArgs } from "./_index_args.ts";
import { PipCliBackend } from "./_pip_cli_backend.ts";

/** The first pip release with `--python` (run pip against another environment). */
const PIP_WITH_PYTHON_OPTION = parseVersion("22.3");

/** Whether pip `version` has `--python` (PEP 440 order; an unreadable version has not). */
function hasPythonOption(version: string): boolean {
  const parsed = tryParseVersion(version);
  return parsed !== null && compareVersions(parsed, PIP_WITH_PYTHON_OPTION) >= 0;
}

async function findPipVersion(dirs: string[]): Promise<string | undefined> {
  for (const dir of dirs) {
    try {
      for await (const entry of Deno.readDir(dir)) {
        const m = entry.name.match(/^pip-(.+)\.dist-info$/);
        if (m !== null) return m[1];
      }
    } catch { /* missing directory */ }
  }
  return undefined;
}

/**
 * The pip backend. pip is run from the base interpreter against the environment with
 * `pip --python <env>/bin/python` (pip >= 22.3), so environments need no pip of their own; when the
 * base interpreter has no such pip, the environment is seeded with `ensurepip` and its own pip runs.
 * pip reads its own configuration (`pip.conf`, `PIP_*`) except for the indexes: those are the
 * decided ones (`decideIndexes`), given in pip's environment so they replace, not extend, its
 * files' (see `pipIndexEnv`). gestvenv's network timeouts are always passed (`--timeout`,
 * `--retries 1`), so an index that hangs fails in seconds, not minutes.
 */
export class PipBackend extends PipCliBackend {
  readonly name = "pip" as const;

  /** The command prefix that runs pip for `target`, seeding the environment if it must. */
  async #pip(target: BackendTarget, options: BackendCallOptions): Promise<string[]> {
    const info = target.interpreter.info;
    const baseSite = [join(info.base_prefix, info.scheme.paths.purelib)];
    if (info.base_prefix === "/usr") baseSite.push("/usr/lib/python3/dist-packages");
    const basePip = await findPipVersion(baseSite);
    if (basePip !== undefined && hasPythonOption(basePip)) {
      return [target.interpreter.realPath, "-m", "pip", "--python", target.layout.python];
    }
    if (await findPipVersion(target.layout.sitePackages) === undefined) {
      await this.#ensurepip(target, options);
    }
    return [target.layout.python, "-m", "pip"];
  }

  async #ensurepip(target: BackendTarget, options: BackendCallOptions): Promise<void> {
    const result = await runTool(target.layout.python, ["-m", "ensurepip", "--default-pip"], {
      onLine: options.onOutput,
      signal: options.signal,
    });
    if (result.code !== 0) {
      throw new BackendError("No pip can install into this environment", {
        details: (result.stderr || result.stdout).trim().split("\n").slice(-10).join("\n"),
        hint:
          "Install pip for the base interpreter (or its `venv`/`ensurepip` module), or use `--backend uv`",
      });
    }
  }

  protected async run(
    target: BackendTarget,
    args: string[],
    options: BackendCallOptions,
    action: string,
  ): Promise<BackendOutput> {
    const [program, ...prefix] = await this.#pip(target, options);
    const result = await runTool(program!, [...prefix, ...args], {
      env: pipIndexEnv(options.index),
      onLine: options.onOutput,
      signal: options.signal,
    });
    failIfUnsuccessful("pip", action, result);
    return { output: `${result.stdout}${result.stderr}` };
  }

  protected indexOptions(options: BackendCallOptions): Promise<string[]> {
    return Promise.resolve(pipNetworkArgs(options.http));
  }

  /**
   * Nothing to prepare: `--seed` puts pip in through gestvenv's resolution and lock
   * (lib/packages), hashes and policies checked, not from `ensurepip`'s bundled wheel.
   */
  create(_target: BackendTarget, _seed: boolean, _options: BackendCallOptions): Promise<void> {
    return Promise.resolve();
  }

  async uninstall(
    target: BackendTarget,
    names: string[],
    options: BackendCallOptions,
  ): Promise<BackendOutput> {
    return await this.run(target, ["uninstall", "--yes", ...names], options, "uninstall packages");
  }
}
