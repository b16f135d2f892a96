import { assertEquals, assertRejects } from "../../tests/helpers/assert.ts";
import { join } from "node:path";
import { DistributionError } from "../errors/mod.ts";
import { LEGACY_BUILD_BACKEND, readBuildSystem } from "./mod.ts";

async function withTree(pyproject: string | null, fn: (tree: string) => Promise<void>) {
  const tree = await Deno.makeTempDir({ prefix: "gestvenv-build-system-" });
  try {
    if (pyproject !== null) await Deno.writeTextFile(join(tree, "pyproject.toml"), pyproject);
    await fn(tree);
  } finally {
    await Deno.remove(tree, { recursive: true });
  }
}

Deno.test("readBuildSystem() falls back to pip's legacy setuptools defaults (PEP 517/518)", async () => {
  const legacy = {
    requires: ["setuptools>=40.8.0"],
    backend: LEGACY_BUILD_BACKEND,
    backendPath: [],
    legacy: true,
  };
  await withTree(null, async (tree) => assertEquals(await readBuildSystem(tree, "t"), legacy));
  await withTree('[project]\nname = "x"\n', async (tree) => {
    assertEquals(await readBuildSystem(tree, "t"), legacy);
  });
  await withTree('[build-system]\nrequires = ["setuptools", "cython<3"]\n', async (tree) => {
    assertEquals(await readBuildSystem(tree, "t"), {
      requires: ["setuptools", "cython<3"],
      backend: LEGACY_BUILD_BACKEND,
      backendPath: [],
      legacy: false,
    });
  });
});

Deno.test("readBuildSystem() reads build-backend and makes backend-path absolute", async () => {
  await withTree(
    '[build-system]\nrequires = []\nbuild-backend = "backend.sub:obj"\nbackend-path = [".", "tools/"]\n',
    async (tree) => {
      assertEquals(await readBuildSystem(tree, "t"), {
        requires: [],
        backend: "backend.sub:obj",
        backendPath: [tree, join(tree, "tools")],
        legacy: false,
      });
    },
  );
});

Deno.test("readBuildSystem() refuses invalid build-system tables", async () => {
  const cases: [string, string][] = [
    ["[build-system\n", "invalid pyproject.toml"],
    ['[build-system]\nbuild-backend = "x"\n', "no `requires` key"],
    ["[build-system]\nrequires = [1]\n", "not a list of strings"],
    ['[build-system]\nrequires = ["not a requirement!"]\n', "invalid requirement"],
    ['[build-system]\nrequires = []\nbuild-backend = "x y"\n', "not an object reference"],
    ['[build-system]\nrequires = []\nbuild-backend = "b"\nbackend-path = ["../up"]\n', "outside"],
    ['[build-system]\nrequires = []\nbuild-backend = "b"\nbackend-path = ["/etc"]\n', "outside"],
    ["build-system = 3\n", "not a table"],
  ];
  for (const [text, message] of cases) {
    await withTree(text, async (tree) => {
      await assertRejects(
        () => readBuildSystem(tree, "demo-1.0.tar.gz"),
        DistributionError,
        message,
      );
    });
  }
});
