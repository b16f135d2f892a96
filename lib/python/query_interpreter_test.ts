import { assertEquals } from "../../tests/helpers/assert.ts";
import { join } from "node:path";
import {
  INTERPRETER_CACHE_BUCKET,
  interpreterCacheChecksum,
  type InterpreterCacheEntry,
  interpreterCacheFile,
  queryInterpreter,
} from "./query_interpreter.ts";
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

/** A stand-in interpreter that logs each run and answers with a real probe result. */
async function countingInterpreter(dir: string) {
  const counter = join(dir, "count");
  const fake = join(dir, "python3");
  const real = await findInterpreter(undefined);
  await Deno.writeTextFile(
    fake,
    `#!/bin/sh\necho x >> '${counter}'\nprintf '%s' '${
      JSON.stringify(real.info).replaceAll("'", "")
    }'\n`,
  );
  await Deno.chmod(fake, 0o755);
  const runs = async () =>
    await Deno.readTextFile(counter).then((t) => t.trim().split("\n").length, () => 0);
  return { fake, real, runs, cacheDir: join(dir, "cache") };
}

Deno.test("queryInterpreter() re-probes a cache entry whose checksum or identity lies", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { fake, real, runs, cacheDir } = await countingInterpreter(dir);
    await queryInterpreter(fake, { cacheDir });
    assertEquals(await runs(), 1);
    const file = await interpreterCacheFile(cacheDir, await Deno.realPath(fake));
    assertEquals(file.includes(`/${INTERPRETER_CACHE_BUCKET}/`), true);
    const good = JSON.parse(await Deno.readTextFile(file)) as InterpreterCacheEntry;
    assertEquals(good.checksum, await interpreterCacheChecksum(good));

    // A well-formed lie: another version, the old checksum.
    const lie = { ...good, info: { ...good.info, version: "9.9.9" } };
    await Deno.writeTextFile(file, JSON.stringify(lie));
    const afterLie = await queryInterpreter(fake, { cacheDir });
    assertEquals(afterLie.info.version, real.info.version, "the lie is not believed");
    assertEquals(await runs(), 2, "a wrong checksum means a new probe");
    const rewritten = JSON.parse(await Deno.readTextFile(file)) as InterpreterCacheEntry;
    assertEquals(rewritten.info.version, real.info.version, "the entry is rewritten");

    // A correct checksum over a stale identity (another size): not trusted either.
    const stale = { ...good, size: good.size + 1 };
    await Deno.writeTextFile(
      file,
      JSON.stringify({ ...stale, checksum: await interpreterCacheChecksum(stale) }),
    );
    await queryInterpreter(fake, { cacheDir });
    assertEquals(await runs(), 3, "another size means a new probe");

    // Truncated and non-JSON entries: probed again, never an error.
    await Deno.writeTextFile(file, JSON.stringify(good).slice(0, 40));
    await queryInterpreter(fake, { cacheDir });
    await Deno.writeTextFile(file, "null");
    await queryInterpreter(fake, { cacheDir });
    assertEquals(await runs(), 5);

    // The rewritten entry is trusted: no probe.
    const trusted = await queryInterpreter(fake, { cacheDir });
    assertEquals(trusted.info, real.info);
    assertEquals(await runs(), 5, "a correct entry answers without a probe");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
