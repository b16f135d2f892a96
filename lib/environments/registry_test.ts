import { assertEquals, assertRejects } from "../../tests/helpers/assert.ts";
import { join } from "node:path";
import { OperationError } from "../errors/mod.ts";
import { readRegistry, readRegistryCopy, registryRecords, updateRegistry } from "./registry.ts";
import { salvageRegistryEntries } from "./registry_salvage.ts";
import type { EnvironmentRecord } from "./environment_record.ts";

const record = (name: string): EnvironmentRecord => ({
  name,
  path: `/envs/${name}`,
  id: null,
  python: { path: "/usr/bin/python3", version: "3.12.1", implementation: "cpython" },
  backend: "pip",
  description: null,
  created_at: "2026-01-01T00:00:00.000Z",
  last_used_at: "2026-01-01T00:00:00.000Z",
  requirements: [],
  packages: [],
});

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("updateRegistry() serializes concurrent writers: no update is lost", async () => {
  await withDir(async (dir) => {
    const file = join(dir, "environments.json");
    await Promise.all(Array.from({ length: 40 }, (_, i) =>
      updateRegistry(file, (registry) => {
        registry.environments.set(`env${i}`, record(`env${i}`));
      })));
    assertEquals((await readRegistry(file)).environments.size, 40);
  });
});

Deno.test("names that are JavaScript object properties are ordinary names", async () => {
  await withDir(async (dir) => {
    const file = join(dir, "environments.json");
    const names = ["constructor", "toString", "__proto__", "hasOwnProperty"];
    await updateRegistry(file, (registry) => {
      for (const name of names) registry.environments.set(name, record(name));
    });
    const text = await Deno.readTextFile(file);
    assertEquals(Object.keys(JSON.parse(text).environments).sort(), [...names].sort());
    const read = await readRegistry(file);
    assertEquals(registryRecords(read).map((r) => r.name), [...names].sort());
    assertEquals(read.environments.get("__proto__")?.path, "/envs/__proto__");
    assertEquals(read.invalid.size, 0);
  });
});

Deno.test("readRegistry() skips and reports null or empty entries, and keeps them on write", async () => {
  await withDir(async (dir) => {
    const file = join(dir, "environments.json");
    await Deno.writeTextFile(
      file,
      JSON.stringify({ version: 1, environments: { good: record("good"), nul: null, empty: {} } }),
    );
    const notices: string[] = [];
    const read = await readRegistry(file, { onNotice: (m) => notices.push(m) });
    assertEquals([...read.environments.keys()], ["good"]);
    assertEquals([...read.invalid.keys()].sort(), ["empty", "nul"]);
    assertEquals(notices.length, 2);
    await updateRegistry(file, (r) => r.environments.set("new", record("new")));
    const raw = JSON.parse(await Deno.readTextFile(file)).environments;
    assertEquals(Object.keys(raw).sort(), ["empty", "good", "new", "nul"]);
    assertEquals(raw.nul, null);
  });
});

Deno.test("a damaged registry is moved aside and rebuilt from the entries that still parse", async () => {
  await withDir(async (dir) => {
    const file = join(dir, "environments.json");
    const whole = JSON.stringify(
      { version: 1, environments: { a: record("a"), b: record("b"), c: record("c") } },
      null,
      2,
    );
    // Truncated in the middle of `c`: `a` and `b` are whole.
    const damaged = whole.slice(0, whole.indexOf('"c"') + 20);
    await Deno.writeTextFile(file, damaged);
    const notices: string[] = [];
    const read = await readRegistry(file, { onNotice: (m) => notices.push(m) });
    assertEquals([...read.environments.keys()].sort(), ["a", "b"]);
    assertEquals(notices.length, 1);
    const aside = (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name)
      .filter((n) => n.startsWith("environments.json.corrupt-"));
    assertEquals(aside.length, 1);
    assertEquals(await Deno.readTextFile(join(dir, aside[0]!)), damaged, "the copy is untouched");
    assertEquals([...(await readRegistry(file)).environments.keys()].sort(), ["a", "b"]);
    assertEquals(
      [...(await readRegistryCopy(join(dir, aside[0]!))).registry.environments.keys()].sort(),
      [
        "a",
        "b",
      ],
    );
  });
});

Deno.test("salvageRegistryEntries() keeps whole entries around a damaged one", () => {
  const text = '{"version":1,"environments":{"a":{"x":"}{"},"b":{oops},"c":[1,{"y":2}],"d":';
  const found = salvageRegistryEntries(text);
  assertEquals([...found.keys()], ["a", "c"]);
  assertEquals(found.get("a"), { x: "}{" });
  assertEquals(salvageRegistryEntries("garbage").size, 0);
});

Deno.test("a registry from a newer gestvenv is refused, not moved aside", async () => {
  await withDir(async (dir) => {
    const file = join(dir, "environments.json");
    await Deno.writeTextFile(file, '{"version": 2, "environments": {}}');
    await assertRejects(() => readRegistry(file), OperationError, "newer");
    assertEquals((await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name), [
      "environments.json",
    ]);
  });
});
