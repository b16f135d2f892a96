/**
 * One index decision: the resolver's index client, the lock installer, and the pip and uv
 * adapters read the same indexes from the same settings. Before it, with only `find_links`
 * configured, `resolve` read pip's indexes while a uv install read PyPI.
 */
import { assertEquals } from "../../tests/helpers/assert.ts";
import { pipIndexEnv } from "../backends/_index_args.ts";
import { uvIndexArgs } from "../backends/mod.ts";
import {
  type GestvenvConfig,
  type IndexSettings,
  readPipIndexSettings,
  resolveSettings,
} from "../config/mod.ts";
import { backendCall, type EnvironmentContext } from "../environments/mod.ts";
import { SILENT_REPORTER } from "../events/mod.ts";
import { resolveHome } from "../paths/mod.ts";
import { DEFAULT_INDEX_URL, type IndexDecision } from "../index/mod.ts";
import { indexClientFor } from "./index_client_for.ts";

function contextFor(root: string, config: GestvenvConfig, pip: IndexSettings): EnvironmentContext {
  const home = resolveHome((name) => name === "GESTVENV_HOME" ? root : undefined);
  return {
    home,
    settings: resolveSettings(home, config, { env: () => undefined, pip }),
    creatorVersion: "test",
    reporter: SILENT_REPORTER,
  };
}

/** What uv's options say, as a decision. */
function fromUvArgs(args: string[]): IndexDecision {
  const decision: IndexDecision = { indexUrls: [], findLinks: [], noIndex: false };
  for (let i = 0; i < args.length; i++) {
    const value = args[i + 1]!;
    if (args[i] === "--no-index") decision.noIndex = true;
    else if (args[i] === "--index-url") decision.indexUrls.unshift(value), i++;
    else if (args[i] === "--extra-index-url") decision.indexUrls.push(value), i++;
    else if (args[i] === "--find-links") decision.findLinks.push(value), i++;
  }
  return decision;
}

/** What pip's environment says, as a decision. */
function fromPipEnv(env: Record<string, string>, pip: IndexSettings): IndexDecision {
  const split = (v: string | undefined) => v === undefined ? undefined : v.split(" ");
  return {
    indexUrls: [
      env.PIP_INDEX_URL ?? pip.indexUrl ?? DEFAULT_INDEX_URL,
      ...(split(env.PIP_EXTRA_INDEX_URL) ?? pip.extraIndexUrls),
    ],
    findLinks: split(env.PIP_FIND_LINKS) ?? pip.findLinks,
    noIndex: env.PIP_NO_INDEX === "1",
  };
}

/** The indexes each reader uses for `config` with pip's configuration `pip`. */
async function readers(root: string, config: GestvenvConfig, pip: IndexSettings) {
  const ctx = contextFor(root, config, pip);
  const client = indexClientFor(ctx);
  const { index } = backendCall(ctx);
  return {
    resolver: { indexUrls: client.indexes, findLinks: client.findLinks, noIndex: false },
    uv: fromUvArgs(await uvIndexArgs(index)),
    pip: fromPipEnv(pipIndexEnv(index), pip),
  };
}

Deno.test("resolve, uv and pip read the same indexes; with only find_links set, pip's indexes still apply", async () => {
  const root = await Deno.makeTempDir({ prefix: "gv-index-decision-" });
  try {
    const wheels = `${root}/wheels`;
    const pipWheels = `${root}/pip-wheels`;
    await Deno.mkdir(wheels);
    await Deno.mkdir(pipWheels);
    const pip: IndexSettings = {
      indexUrl: "https://corp.example/simple",
      extraIndexUrls: ["https://extra.example/simple"],
      findLinks: [pipWheels],
    };
    const onlyFindLinks = await readers(root, { find_links: [wheels] }, pip);
    const expected: IndexDecision = {
      indexUrls: ["https://corp.example/simple", "https://extra.example/simple"],
      findLinks: [wheels],
      noIndex: false,
    };
    assertEquals(onlyFindLinks.resolver, expected);
    assertEquals(onlyFindLinks.uv, expected);
    assertEquals(onlyFindLinks.pip, expected);
    // Each key by its own precedence: gestvenv's index_url replaces pip's, pip's extras stay.
    const ownIndex = await readers(root, { index_url: "https://own.example/simple" }, pip);
    const own: IndexDecision = {
      indexUrls: ["https://own.example/simple", "https://extra.example/simple"],
      findLinks: [pipWheels],
      noIndex: false,
    };
    assertEquals(ownIndex.resolver, own);
    assertEquals(ownIndex.uv, own);
    assertEquals(ownIndex.pip, own);
    // Nothing configured anywhere: PyPI for everyone.
    const none = await readers(root, {}, { extraIndexUrls: [], findLinks: [] });
    const pypi: IndexDecision = { indexUrls: [DEFAULT_INDEX_URL], findLinks: [], noIndex: false };
    assertEquals(none.resolver, pypi);
    assertEquals(none.uv, pypi);
    assertEquals(none.pip, pypi);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("pip itself reads the decided indexes, not its configuration files' (which it would extend)", async () => {
  const root = await Deno.makeTempDir({ prefix: "gv-index-decision-" });
  try {
    const conf = `${root}/pip.conf`;
    await Deno.mkdir(`${root}/pip-wheels`);
    await Deno.mkdir(`${root}/own-wheels`);
    await Deno.writeTextFile(
      conf,
      "[global]\nindex-url = http://127.0.0.1:9/pip-primary\n" +
        "extra-index-url = http://127.0.0.1:9/pip-extra\n" +
        `find-links = ${root}/pip-wheels\n`,
    );
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(Deno.env.toObject())) {
      if (!k.startsWith("PIP_") && !k.startsWith("GESTVENV_")) env[k] = v;
    }
    env.PIP_CONFIG_FILE = conf;
    const pip = await readPipIndexSettings((name) => env[name]);
    const ctx = contextFor(root, {
      extra_index_urls: ["http://127.0.0.1:9/own-extra"],
      find_links: [`${root}/own-wheels`],
    }, pip);
    const { index } = backendCall(ctx);
    const output = await new Deno.Command("python3", {
      args: [
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--retries",
        "0",
        "--timeout",
        "1",
        "-d",
        `${root}/out`,
        "no-such-project-here",
      ],
      env: { ...env, ...pipIndexEnv(index), PIP_DISABLE_PIP_VERSION_CHECK: "1" },
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
    const listed = (label: string) =>
      text.match(new RegExp(`^${label}: (.*)$`, "m"))?.[1]?.split(", ") ?? [];
    assertEquals(listed("Looking in indexes"), index.indexUrls, text);
    assertEquals(listed("Looking in links"), index.findLinks, text);
    assertEquals(index.indexUrls, [
      "http://127.0.0.1:9/pip-primary",
      "http://127.0.0.1:9/own-extra",
    ]);
    assertEquals(indexClientFor(ctx).indexes, index.indexUrls);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
