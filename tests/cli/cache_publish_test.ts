/**
 * `cache publish --to URL` against a real index server: pypiserver (installed by `.ci/run` into
 * `.tools/py`, or named by `GESTVENV_TEST_PYPISERVER`) on 127.0.0.1 with HTTP Basic auth. The
 * uploaded files are the cached bytes, a second publish skips them (409), credentials come from
 * flags, `TWINE_*` or netrc, and pip installs from the server afterwards.
 */
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { createHash } from "node:crypto";
import { dirname, join } from "node:path";
import { assertOk, createTestContext } from "../helpers/test_context.ts";
import { buildWheel } from "../helpers/build_wheel.ts";
import { assertSnapshot, filterText } from "../helpers/snapshot.ts";

const REPO = new URL("../..", import.meta.url).pathname;

async function findPypiServer(): Promise<string | undefined> {
  const candidates = [
    Deno.env.get("GESTVENV_TEST_PYPISERVER"),
    join(REPO, ".tools", "py", "bin", "pypi-server"),
  ];
  for (const path of candidates) {
    if (path === undefined || path === "") continue;
    if (await Deno.stat(path).then((s) => s.isFile, () => false)) return path;
  }
  return undefined;
}

const pypiServer = await findPypiServer();

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

async function sha256File(path: string): Promise<string> {
  return createHash("sha256").update(await Deno.readFile(path)).digest("hex");
}

Deno.test({
  name: pypiServer === undefined
    ? "cache publish to pypiserver (SKIPPED: pypiserver not found; .ci/run installs it into .tools/py, or set GESTVENV_TEST_PYPISERVER)"
    : "cache publish uploads to pypiserver with auth, skips what it has, and pip installs from it",
  ignore: pypiServer === undefined,
  async fn(t) {
    await using ctx = await createTestContext([
      buildWheel({ name: "demo-dep", version: "2.0.0" }),
      buildWheel({ name: "demo-pkg", version: "1.0.0", dependencies: ["demo-dep>=1"] }),
      buildWheel({ name: "other-pkg", version: "2.0.0" }),
    ]);
    assertOk(await ctx.run(["create", "a", "--packages", "demo-pkg==1.0.0"]));
    const packages = join(ctx.work, "packages");
    await Deno.mkdir(packages);
    const htpasswd = join(ctx.work, "htpasswd");
    const python = join(dirname(pypiServer!), "python");
    assertOk(
      await ctx.exec(python, [
        "-c",
        "import sys; from passlib.apache import HtpasswdFile\n" +
        "h = HtpasswdFile(sys.argv[1], new=True); h.set_password('alice', 's3cret'); h.save()",
        htpasswd,
      ]),
      "htpasswd with passlib",
    );
    const port = freePort();
    const server = new Deno.Command(pypiServer!, {
      args: [
        "run",
        "-i",
        "127.0.0.1",
        "-p",
        String(port),
        "-P",
        htpasswd,
        "-a",
        "update",
        packages,
      ],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    const upload = `http://127.0.0.1:${port}/`;
    const simple = `http://127.0.0.1:${port}/simple/`;
    try {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const up = await fetch(simple).then(async (r) => {
          await r.body?.cancel();
          return r.ok;
        }, () => false);
        if (up) break;
        if (Date.now() > deadline) throw new Error("pypiserver did not start");
        await new Promise((r) => setTimeout(r, 100));
      }
      const filter = (text: string) => filterText(text, [[upload, "<server>/"]]);

      await t.step("without credentials the server's refusal says how to give them", async () => {
        const result = await ctx.run(["cache", "publish", "--to", upload]);
        assertEquals(result.code, 5, result.stderr);
        await assertSnapshot(t, filter(result.stderr));
      });

      await t.step("a wrong password is refused, nothing uploaded", async () => {
        const result = await ctx.run([
          "cache",
          "publish",
          "--to",
          upload,
          "-u",
          "alice",
          "-p",
          "nope",
        ]);
        assertEquals(result.code, 5, result.stderr);
        assertStringIncludes(result.stderr, "Check the user name and password");
        assertEquals((await Array.fromAsync(Deno.readDir(packages))).length, 0);
      });

      await t.step("--only selects; TWINE_* credentials upload the cached bytes", async () => {
        const result = await ctx.run([
          "cache",
          "publish",
          "--to",
          upload,
          "--only",
          "demo-dep",
          "--json",
        ], {
          env: { TWINE_USERNAME: "alice", TWINE_PASSWORD: "s3cret" },
        });
        assertOk(result);
        const report = JSON.parse(result.stdout).data;
        assertEquals(report.uploaded, 1);
        assertEquals(report.files[0].filename, "demo_dep-2.0.0-py3-none-any.whl");
        const stored = join(packages, "demo_dep-2.0.0-py3-none-any.whl");
        assertEquals(await sha256File(stored), report.files[0].sha256);
      });

      await t.step(
        "netrc credentials; what the server has is skipped, the rest uploaded",
        async () => {
          const netrc = join(ctx.work, "netrc");
          await Deno.writeTextFile(netrc, "machine 127.0.0.1 login alice password s3cret\n");
          const result = await ctx.run(["cache", "publish", "--to", upload], {
            env: { NETRC: netrc },
          });
          assertOk(result);
          assertStringIncludes(result.stderr, "1 uploaded");
          assertStringIncludes(result.stderr, "1 already there, 0 refused");
          assertEquals(
            (await Array.fromAsync(Deno.readDir(packages))).map((e) => e.name).sort(),
            ["demo_dep-2.0.0-py3-none-any.whl", "demo_pkg-1.0.0-py3-none-any.whl"],
          );
        },
      );

      await t.step("pip installs from pypiserver what was published", async () => {
        const venv = join(ctx.work, "venv");
        assertOk(await ctx.exec("python3", ["-m", "venv", venv]));
        assertOk(
          await ctx.exec(join(venv, "bin", "python"), [
            "-m",
            "pip",
            "install",
            "--index-url",
            simple,
            "demo-pkg",
          ]),
        );
        const imported = await ctx.exec(join(venv, "bin", "python"), [
          "-c",
          "import demo_pkg, demo_dep; print(demo_pkg.VERSION, demo_dep.VERSION)",
        ]);
        assertEquals(imported.stdout.trim(), "1.0.0 2.0.0");
      });

      await t.step("nothing in the cache for the selection: usage error, no request", async () => {
        const result = await ctx.run(["cache", "publish", "--to", upload, "absent-pkg"]);
        assertEquals(result.code, 2, result.stderr);
        assertStringIncludes(result.stderr, "The cache holds no file of absent-pkg");
      });
    } finally {
      try {
        server.kill("SIGTERM");
      } catch { /* gone */ }
      await server.status;
    }
    assert(true);
  },
});
