import { assertEquals, assertRejects } from "../../tests/helpers/assert.ts";
import { join } from "node:path";
import { OperationError } from "../errors/mod.ts";
import { readRegistry, updateRegistry } from "./registry.ts";
import type { EnvironmentRecord } from "./environment_record.ts";

const record = (name: string): EnvironmentRecord => ({
  name,
  path: `/envs/${name}`,
  python: { path: "/usr/bin/python3", version: "3.12.1", implementation: "cpython" },
  backend: "pip",
  description: null,
  created_at: "2026-01-01T00:00:00.000Z",
  last_used_at: "2026-01-01T00:00:00.000Z",
  requirements: [],
  packages: [],
});

Deno.test("updateRegistry() serializes concurrent writers: no update is lost", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = join(dir, "environments.json");
    await Promise.all(Array.from({ length: 40 }, (_, i) =>
      updateRegistry(file, (doc) => {
        doc.environments[`env${i}`] = record(`env${i}`);
      })));
    assertEquals(Object.keys((await readRegistry(file)).environments).length, 40);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readRegistry() moves a corrupt file aside instead of replacing it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = join(dir, "environments.json");
    await Deno.writeTextFile(file, '{"version": 2}');
    await assertRejects(() => readRegistry(file), OperationError, "moved to");
    const names = (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name);
    assertEquals(names.some((n) => n.startsWith("environments.json.corrupt-")), true);
    assertEquals((await readRegistry(file)).environments, {});
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
