/**
 * The resolver on a machine described without an interpreter (`target`, lib/platforms), and
 * `noDeps`: markers and wheel tags come from the target, not from the running Python.
 */
import { assertEquals, assertRejects, assertStringIncludes } from "../../tests/helpers/assert.ts";
import { buildWheel } from "../../tests/helpers/build_wheel.ts";
import { serveIndex } from "../../tests/helpers/local_index.ts";
import { ResolutionError } from "../errors/mod.ts";
import { IndexClient } from "../index/mod.ts";
import { parseRequirement } from "../pep508/mod.ts";
import { targetPlatform } from "../platforms/mod.ts";
import { resolve, type ResolveTarget } from "./mod.ts";

function machine(platform: string, pythonVersion = "3.12"): ResolveTarget {
  const t = targetPlatform({ platform, pythonVersion });
  return {
    markers: t.markers,
    tags: t.tags,
    pythonFullVersion: t.pythonFullVersion,
    platform: t.platform,
  };
}

Deno.test("a synthesized target picks its own wheels and marker dependencies; noDeps stops at the requirements", async () => {
  const index = serveIndex([
    buildWheel({ name: "native", version: "1.0", tag: "cp312-cp312-win_amd64" }),
    buildWheel({ name: "native", version: "1.0", tag: "cp312-cp312-macosx_11_0_arm64" }),
    buildWheel({ name: "native", version: "2.0", tag: "cp313-cp313-win_amd64" }),
    buildWheel({ name: "colors", version: "1.0" }),
    buildWheel({ name: "old", version: "1.0", requiresPython: ">=3.13" }),
    buildWheel({
      name: "app",
      version: "1.0",
      dependencies: ["native", "colors; sys_platform == 'win32'"],
    }),
  ]);
  const cacheDir = await Deno.makeTempDir();
  try {
    const run = async (target: ResolveTarget, reqs: string[], noDeps = false) => {
      const client = new IndexClient({ indexes: [index.url], cacheDir });
      const r = await resolve({
        requirements: reqs.map((x) => parseRequirement(x)),
        target,
        index: client,
        noDeps,
      });
      return { python: r.python, files: r.packages.map((p) => p.file.filename) };
    };
    assertEquals(await run(machine("win_amd64"), ["app"]), {
      python: "3.12.0",
      files: [
        "app-1.0-py3-none-any.whl",
        "colors-1.0-py3-none-any.whl",
        "native-1.0-cp312-cp312-win_amd64.whl",
      ],
    });
    assertEquals((await run(machine("macosx_14_0_arm64"), ["app"])).files, [
      "app-1.0-py3-none-any.whl",
      "native-1.0-cp312-cp312-macosx_11_0_arm64.whl",
    ]);
    assertEquals((await run(machine("win_amd64", "3.13"), ["native"])).files, [
      "native-2.0-cp313-cp313-win_amd64.whl",
    ]);
    assertEquals((await run(machine("win_amd64"), ["app"], true)).files, [
      "app-1.0-py3-none-any.whl",
    ]);
    const error = await assertRejects(
      () => run(machine("manylinux_2_28_x86_64"), ["app"]),
      ResolutionError,
    );
    const { details, hint } = error as ResolutionError;
    assertStringIncludes(`${details}\n${hint}`, "has wheels for macosx_11_0_arm64, win_amd64 only");
    // requires-python is checked against the target's version, with noDeps too.
    await assertRejects(() => run(machine("win_amd64"), ["old"], true), ResolutionError);
  } finally {
    await index.close();
    await Deno.remove(cacheDir, { recursive: true });
  }
});
