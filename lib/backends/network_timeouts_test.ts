/**
 * gestvenv's network timeouts reach pip and uv, so an install through them cannot hang for
 * minutes on an index that never answers.
 */
import { assert, assertEquals, assertRejects } from "../../tests/helpers/assert.ts";
import { serveBadIndex } from "../../tests/helpers/bad_index.ts";
import { buildWheel } from "../../tests/helpers/build_wheel.ts";
import { GestvenvError } from "../errors/mod.ts";
import { findInterpreter } from "../python/mod.ts";
import { createVirtualenv } from "../virtualenv/mod.ts";
import { pipNetworkArgs, uvNetworkEnv } from "./_index_args.ts";
import { PipBackend } from "./pip_backend.ts";

const none = {};

Deno.test("pipNetworkArgs() and uvNetworkEnv() carry the timeouts in seconds, and few retries", () => {
  assertEquals(pipNetworkArgs(none), ["--timeout", "30", "--retries", "1"]);
  assertEquals(uvNetworkEnv(none), {
    UV_HTTP_CONNECT_TIMEOUT: "15",
    UV_HTTP_TIMEOUT: "30",
    UV_HTTP_RETRIES: "1",
  });
  const set = { connectTimeoutMs: 2500, readTimeoutMs: 1000 };
  assertEquals(pipNetworkArgs(set), ["--timeout", "3", "--retries", "1"]);
  assertEquals(uvNetworkEnv(set), {
    UV_HTTP_CONNECT_TIMEOUT: "3",
    UV_HTTP_TIMEOUT: "1",
    UV_HTTP_RETRIES: "1",
  });
});

Deno.test("pip installing from an index that never answers gives up after two timeouts", async () => {
  await using index = serveBadIndex([buildWheel({ name: "demo", version: "1.0" })], {
    hangMs: 60_000,
  });
  index.misbehave("hang");
  const dir = await Deno.makeTempDir({ prefix: "gv-timeout-" });
  const previous = Deno.env.get("PIP_CONFIG_FILE");
  Deno.env.set("PIP_CONFIG_FILE", "/dev/null");
  try {
    const interpreter = await findInterpreter(undefined, { cacheDir: dir });
    const layout = await createVirtualenv(`${dir}/env`, interpreter, { creatorVersion: "test" });
    const start = performance.now();
    await assertRejects(
      () =>
        new PipBackend().install({ layout, interpreter }, {
          requirements: ["demo"],
          requirementFiles: [],
          editables: [],
          upgrade: false,
          dryRun: false,
        }, {
          index: { indexUrls: [index.url], findLinks: [], noIndex: false },
          http: { connectTimeoutMs: 1000, readTimeoutMs: 1000 },
        }),
      GestvenvError,
    );
    const seconds = (performance.now() - start) / 1000;
    assert(seconds < 30, `pip took ${seconds.toFixed(1)} s`);
    assertEquals(index.count("/simple/demo/"), 2, "pip --retries 1: two attempts");
  } finally {
    if (previous === undefined) Deno.env.delete("PIP_CONFIG_FILE");
    else Deno.env.set("PIP_CONFIG_FILE", previous);
    await Deno.remove(dir, { recursive: true });
  }
});
