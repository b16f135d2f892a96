import type { IndexDecision } from "../index/mod.ts";
import type { BackendCallOptions, BackendOutput, BackendTarget } from "./backend.ts";
import { failIfUnsuccessful, runTool } from "./_run_tool.ts";
import { indexArgs, uvNetworkEnv } from "./_index_args.ts";
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
 * uv's index options for the decided indexes (`decideIndexes` in lib/index, which takes pip's
 * configuration into account: uv does not read `pip.conf` or `PIP_*`). Extra `file://` indexes
 * and find-links directories that do not exist are dropped, as pip only warns about them.
 * Requires `--allow-read`.
 */
export async function uvIndexArgs(index: IndexDecision): Promise<string[]> {
  const [primary, ...extras] = index.indexUrls;
  const kept: string[] = [];
  for (const url of extras) if (await localIndexExists(url)) kept.push(url);
  const links: string[] = [];
  for (const link of index.findLinks) {
    if (link.includes("://") || await localIndexExists(new URL(`file://${link}`).href)) {
      links.push(link);
    }
  }
  return indexArgs({
    indexUrls: primary === undefined ? [] : [primary, ...kept],
    findLinks: links,
    noIndex: index.noIndex,
    offline: index.offline ?? false,
  });
}

/**
 * The uv backend: `uv pip install --python <env>/bin/python ...`, with the decided indexes as
 * options (they include pip's configuration where gestvenv's settings leave a key unset);
 * `file://` indexes that do not exist are dropped, as pip only warns about them. gestvenv's network timeouts are passed in uv's environment (`UV_HTTP_TIMEOUT`,
 * `UV_HTTP_CONNECT_TIMEOUT`, `UV_HTTP_RETRIES=1`). uv runs with `--no-config`: no `uv.toml` or
 * `[tool.uv]` is read, so only the decided (allowed) indexes are used.
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
    // `--no-config`: gestvenv gives every index setting; a `uv.toml` or `[tool.uv]` of the current
    // directory (maybe a repository someone else wrote) must not add indexes or find-links the
    // allow-list never saw.
    const command = ["pip", ...args, "--python", target.layout.python, "--no-config"];
    const result = await runTool(this.#uv, command, {
      onLine: options.onOutput,
      signal: options.signal,
      env: { UV_NO_PROGRESS: "1", UV_NO_CONFIG: "1", ...uvNetworkEnv(options.http) },
    });
    failIfUnsuccessful("uv", action, result);
    return { output: `${result.stdout}${result.stderr}` };
  }

  protected indexOptions(options: BackendCallOptions): Promise<string[]> {
    return uvIndexArgs(options.index);
  }

  /**
   * Nothing to prepare: `--seed` puts pip in through gestvenv's resolution and lock
   * (lib/packages), hashes and policies checked, not through a `uv pip install pip` of its own.
   */
  create(_target: BackendTarget, _seed: boolean, _options: BackendCallOptions): Promise<void> {
    return Promise.resolve();
  }

  async uninstall(
    target: BackendTarget,
    names: string[],
    options: BackendCallOptions,
  ): Promise<BackendOutput> {
    return await this.run(target, ["uninstall", ...names], options, "uninstall packages");
  }
}
