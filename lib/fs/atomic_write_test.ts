import { assertEquals } from "../../tests/helpers/assert.ts";
import { join } from "node:path";
import { atomicWriteFile } from "./atomic_write.ts";
import { withFileLock } from "./file_lock.ts";

Deno.test("atomicWriteFile() replaces content and leaves no temp file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = join(dir, "sub", "data.json");
    await atomicWriteFile(file, "one");
    await atomicWriteFile(file, new TextEncoder().encode("two"));
    assertEquals(await Deno.readTextFile(file), "two");
    assertEquals((await Array.fromAsync(Deno.readDir(join(dir, "sub")))).map((e) => e.name), [
      "data.json",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("withFileLock() makes read-modify-write sequences exclusive", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = join(dir, "counter");
    await Deno.writeTextFile(file, "0");
    await Promise.all(Array.from({ length: 25 }, () =>
      withFileLock(`${file}.lock`, async () => {
        const n = Number(await Deno.readTextFile(file));
        await new Promise((r) => setTimeout(r, 1));
        await atomicWriteFile(file, String(n + 1));
      })));
    assertEquals(await Deno.readTextFile(file), "25");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
