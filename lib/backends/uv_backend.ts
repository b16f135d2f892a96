import { type IndexSettings, readPipIndexSettings } from "../config/mod.ts";
import type { BackendCallOptions, BackendOutput, BackendTarget } from "./backend.ts";
import { failIfUnsuccessful, runTool } from "./_run_tool.ts";
import { hasIndexOverrides, indexArgs, uvNetworkEnv } from "./_index_args.ts";
import { PipCliBackend } from "./_pip_cli_backend.ts";

async function localIndexExists(url: string): Promise<boolean> {
  if (!url.startsWith("file:")) return true;
  try {
    await Deno.stat(new URL(url));
    return true;
  } catch {
    return false;
  }
}

/**
 * uv's index options for gestvenv's index settings: those settings when any is set, else pip's
 * own configuration (uv does not read `pip.conf` or `PIP_*`). `file://` indexes and find-links
 * directories that do not exist are dropped, as pip only warns about them.
 * Requires `--allow-read` and `--allow-env`.
 */
export async function uvIndexArgs(index: IndexSettings): Promise<string[]> {
  const settings = hasIndexOverrides(index) ? index : await readPipIndexSettings();
  const extra: string[] = [];
  for (const url of settings.extraIndexUrls) if (await localIndexExists(url)) extra.push(url);
  const links: string[] = [];
  for (const link of settings.findLinks) {
    if (link.includes("://") || await localIndexExists(new URL(`file://${link}`).href)) {
      links.push(link);
    }
  }
  return indexArgs({ indexUrl: settings.indexUrl, extraIndexUrls: extra, findLinks: links });
}

/**
 * The uv backend: `uv pip install --python <env>/bin/python ...`. uv does not read pip's
 * configuration, so unless gestvenv's own index settings are set, pip's (`pip.conf`, `PIP_*`) are
 * translated into uv options; `file://` indexes that do not exist are dropped, as pip only warns
 * about them. gestvenv's network timeouts are passed in uv's environment (`UV_HTTP_TIMEOUT`,
 * `UV_HTTP_CONNECT_TIMEOUT`, `UV_HTTP_RETRIES=1`).
 */
export class UvBackend extends PipCliBackend {
  readonly name = "uv" as const;
  readonly #uv: string;

  /** @param uv Path or name of the uv binary. */
  constructor(uv: string) {
    super();
    this.#uv = uv;
  }

  protected async run(
    target: BackendTarget,
    args: string[],
    options: BackendCallOptions,
    action: string,
  ): Promise<BackendOutput> {
    const result = await runTool(this.#uv, ["pip", ...args, "--python", target.layout.python], {
      onLine: options.onOutput,
      signal: options.signal,
      env: { UV_NO_PROGRESS: "1", ...uvNetworkEnv(options.index) },
    });
    failIfUnsuccessful("uv", action, result);
    return { output: `${result.stdout}${result.stderr}` };
  }

  protected indexOptions(index: IndexSettings): Promise<string[]> {
    return uvIndexArgs(index);
  }

  async create(target: BackendTarget, seed: boolean, options: BackendCallOptions): Promise<void> {
    if (seed) {
      await this.run(
        target,
        ["install", "pip", ...await uvIndexArgs(options.index)],
        options,
        "seed pip",
      );
    }
  }

  async uninstall(
    target: BackendTarget,
    names: string[],
    options: BackendCallOptions,
  ): Promise<BackendOutput> {
    return await this.run(target, ["uninstall", ...names], options, "uninstall packages");
  }
}
