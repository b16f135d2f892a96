import { assert, assertEquals, assertRejects } from "../../tests/helpers/assert.ts";
import { detectLibc, directorySize, diskSpace, runtimeInfo } from "./host.ts";
import { timeBound } from "./probe.ts";

Deno.test("timeBound: a value, a failure, and a deadline that aborts the probe", async () => {
  assertEquals(await timeBound(() => Promise.resolve(42)), { status: "ok", value: 42 });
  assertEquals(await timeBound(() => Promise.reject(new Error("no df here"))), {
    status: "unavailable",
    value: null,
    error: "no df here",
  });
  let aborted = false;
  const started = performance.now();
  const slow = await timeBound(
    (signal) =>
      new Promise<number>((_, reject) => {
        signal.addEventListener("abort", () => {
          aborted = true;
          reject(signal.reason);
        });
      }),
    50,
  );
  assertEquals(slow, { status: "timed out", value: null, timeout_ms: 50 });
  assert(aborted, "the probe's signal fired");
  assert(performance.now() - started < 1000);
});

Deno.test("timeBound: a subprocess past the deadline is killed, not waited for", async () => {
  const started = performance.now();
  const result = await timeBound(
    (signal) => new Deno.Command("sleep", { args: ["30"], signal }).output(),
    100,
  );
  assertEquals(result.status, "timed out");
  assert(performance.now() - started < 5000);
});

Deno.test("directorySize: bytes of regular files, recursively; symlinks not followed; missing is 0", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/a/b`, { recursive: true });
    await Deno.writeFile(`${dir}/one`, new Uint8Array(10));
    await Deno.writeFile(`${dir}/a/b/two`, new Uint8Array(1000));
    await Deno.symlink("/", `${dir}/root-link`);
    const signal = new AbortController().signal;
    assertEquals(await directorySize(dir, signal), 1010);
    assertEquals(await directorySize(`${dir}/absent`, signal), 0);
    const controller = new AbortController();
    controller.abort();
    await assertRejects(() => directorySize(dir, controller.signal), Error);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("diskSpace: df -Pk of the path, or of its nearest existing parent", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const signal = new AbortController().signal;
    const here = await diskSpace(dir, signal);
    assert(here.total_bytes > 0 && here.free_bytes <= here.total_bytes, JSON.stringify(here));
    assertEquals(here.free_bytes % 1024, 0);
    const below = await diskSpace(`${dir}/not/yet/made`, signal);
    assertEquals(below.mount, here.mount);
    assertEquals(below.total_bytes, here.total_bytes);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("detectLibc agrees with getconf on glibc Linux; runtimeInfo tells local from remote", async () => {
  const libc = await detectLibc(new AbortController().signal);
  const getconf = await new Deno.Command("getconf", { args: ["GNU_LIBC_VERSION"] }).output()
    .catch(() => undefined);
  if (Deno.build.os === "linux" && getconf?.success) {
    const [, version] = new TextDecoder().decode(getconf.stdout).trim().split(/\s+/);
    assertEquals(libc, { family: "glibc", version: version! });
  } else {
    assert(["musl", "unknown"].includes(libc.family));
  }
  assertEquals(runtimeInfo("file:///src/commands/x.ts").mode, "deno run");
  assertEquals(
    runtimeInfo("https://example.invalid/gestvenv/commands/x.ts").mode,
    "deno run (remote)",
  );
  assertEquals(runtimeInfo("file:///x.ts").deno, Deno.version.deno);
});
