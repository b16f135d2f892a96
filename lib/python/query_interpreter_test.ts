import { assertEquals } from "../../tests/helpers/assert.ts";
import { join } from "node:path";
import { queryInterpreter } from "./query_interpreter.ts";
import { findInterpreter } from "./find_interpreter.ts";

Deno.test("queryInterpreter() probes once and answers later calls from the cache", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const counter = join(dir, "count");
    const fake = join(dir, "python3");
    const real = await findInterpreter(undefined);
    // A stand-in interpreter that counts its runs and answers with a real probe result.
    await Deno.writeTextFile(
      fake,
      `#!/bin/sh\necho x >> '${counter}'\nprintf '%s' '${
        JSON.stringify(real.info).replaceAll("'", "")
      }'\n`,
    );
    await Deno.chmod(fake, 0o755);
    const cacheDir = join(dir, "cache");
    const first = await queryInterpreter(fake, { cacheDir });
    const second = await queryInterpreter(fake, { cacheDir });
    assertEquals(first.info.version, real.info.version);
    assertEquals(second.info, first.info);
    assertEquals((await Deno.readTextFile(counter)).trim().split("\n").length, 1, "spawned once");
    await Deno.utime(fake, new Date(), new Date(Date.now() + 5000));
    await queryInterpreter(fake, { cacheDir });
    assertEquals(
      (await Deno.readTextFile(counter)).trim().split("\n").length,
      2,
      "a new mtime invalidates the entry",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the probe reports the scheme, markers and libc of a real interpreter", async () => {
  const { info } = await queryInterpreter((await findInterpreter(undefined)).path);
  assertEquals(info.markers.python_full_version, info.version);
  assertEquals(info.markers.python_version, info.version.split(".").slice(0, 2).join("."));
  assertEquals(info.scheme.paths.purelib.endsWith("site-packages"), true);
  if (Deno.build.os === "linux") assertEquals(["glibc", "musl"].includes(info.libc!.family), true);
});
