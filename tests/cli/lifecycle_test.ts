import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { join } from "node:path";
import { assertOk, createTestContext } from "../helpers/test_context.ts";
import { PERMISSION_FLAGS } from "../../commands/_self.ts";

const exists = (path: string) => Deno.lstat(path).then(() => true, () => false);

Deno.test("delete removes the directory and the entry; without a terminal it needs --force", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "doomed", "--packages", "other-pkg"]));
  const refused = await ctx.run(["delete", "doomed"]);
  assertEquals(refused.code, 2);
  assertStringIncludes(refused.stderr, "--force");
  assert(await exists(ctx.envPath("doomed")));
  assertOk(await ctx.run(["delete", "doomed", "--force"]));
  assert(!(await exists(ctx.envPath("doomed"))));
  assertEquals((await ctx.registry()).environments, {});
  assertEquals((await ctx.run(["delete", "doomed", "--force"])).code, 3);
});

Deno.test("rename moves the environment and re-targets scripts, activators and prompt", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "before", "--packages", "demo-pkg"]));
  const renamed = await ctx.run(["rename", "before", "after"]);
  assertOk(renamed);
  const path = ctx.envPath("after");
  assert(!(await exists(ctx.envPath("before"))));
  const script = await ctx.exec(join(path, "bin", "demo-cli"), []);
  assertOk(script, "console script runs after rename");
  assertEquals(script.stdout.trim(), "demo-pkg 1.1.0");
  const shebang = (await Deno.readTextFile(join(path, "bin", "demo-cli"))).split("\n")[0]!;
  assertStringIncludes(shebang, path);
  assertStringIncludes(
    await Deno.readTextFile(join(path, "bin", "activate")),
    `VIRTUAL_ENV='${path}'`,
  );
  assertMatch(await Deno.readTextFile(join(path, "pyvenv.cfg")), /^prompt = after$/m);
  const doc = await ctx.registry();
  assertEquals(Object.keys(doc.environments), ["after"]);
  assertEquals(doc.environments["after"]!.path, path);
  const prefix = await ctx.exec(join(path, "bin", "python"), [
    "-c",
    "import sys, demo_pkg; print(sys.prefix)",
  ]);
  assertEquals(prefix.stdout.trim(), path);
});

Deno.test("clone works offline: a pip environment is copied, a native one re-linked from the cache", async (t) => {
  for (const [backend, method] of [["pip", "copy"], ["native", "relink"]] as const) {
    await t.step(backend, async () => {
      await using ctx = await createTestContext();
      assertOk(await ctx.run(["create", "src", "--packages", "demo-pkg", "--backend", backend]));
      await ctx.index.close();
      const cloned = await ctx.run(["clone", "src", "dst"]);
      assertOk(cloned);
      assertStringIncludes(cloned.stderr, `by ${method}`);
      const path = ctx.envPath("dst");
      const script = await ctx.exec(join(path, "bin", "demo-cli"), []);
      assertOk(script);
      const prefix = await ctx.exec(join(path, "bin", "python"), [
        "-c",
        "import sys, demo_pkg; print(sys.prefix)",
      ]);
      assertEquals(prefix.stdout.trim(), path);
      const doc = await ctx.registry();
      assertEquals(doc.environments["dst"]!.packages, doc.environments["src"]!.packages);
      assertEquals(doc.environments["dst"]!.requirements, doc.environments["src"]!.requirements);
    });
  }
});

Deno.test("export then import recreates the same versions", async () => {
  await using ctx = await createTestContext();
  assertOk(
    await ctx.run([
      "create",
      "orig",
      "--packages",
      "demo-pkg==1.0.0",
      "--description",
      "the original",
    ]),
  );
  const jsonFile = join(ctx.work, "orig.json");
  assertOk(await ctx.run(["export", "orig", jsonFile]));
  const doc = JSON.parse(await Deno.readTextFile(jsonFile));
  assertEquals(doc.gestvenv_export_version, 2);
  assertEquals(doc.freeze, ["demo-dep==2.0.0", "demo-pkg==1.0.0"]);
  assertEquals(doc.requirements, ["demo-pkg==1.0.0"]);
  const reqFile = join(ctx.work, "requirements.txt");
  assertOk(await ctx.run(["export", "orig", reqFile]));
  assertEquals(
    (await Deno.readTextFile(reqFile)).split("\n").filter((l) => l && !l.startsWith("#")),
    ["demo-dep==2.0.0", "demo-pkg==1.0.0"],
  );
  const stdout = await ctx.run(["export", "orig", "-", "--as", "requirements"]);
  assertStringIncludes(stdout.stdout, "demo-pkg==1.0.0");

  assertOk(await ctx.run(["import", jsonFile, "copy"]));
  const record = (await ctx.registry()).environments["copy"]!;
  assertEquals(record.packages, [{ name: "demo-dep", version: "2.0.0" }, {
    name: "demo-pkg",
    version: "1.0.0",
  }]);
  assertEquals(record.description, "the original");
  assertOk(await ctx.run(["import", reqFile, "fromreq"]));
  assertEquals((await ctx.registry()).environments["fromreq"]!.packages, record.packages);
});

Deno.test("list reports orphans and cleanup --orphaned drops or adopts them", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "kept", "--packages", "other-pkg"]));
  assertOk(await ctx.run(["create", "vanished"]));
  await Deno.remove(ctx.envPath("vanished"), { recursive: true });
  const doc = await ctx.registry();
  delete doc.environments["kept"];
  await Deno.writeTextFile(join(ctx.home, "environments.json"), JSON.stringify(doc));
  const list = await ctx.run(["list", "--format", "json"]);
  assertOk(list);
  const orphans = JSON.parse(list.stdout).data.orphans.map((o: { kind: string; name: string }) =>
    `${o.kind}:${o.name}`
  );
  assertEquals(orphans, ["unregistered:kept", "missing:vanished"]);
  const table = await ctx.run(["list"]);
  assertStringIncludes(table.stderr, "cleanup --orphaned");
  assertOk(await ctx.run(["cleanup", "--orphaned"]));
  const after = await ctx.registry();
  assertEquals(Object.keys(after.environments), ["kept"]);
  assertEquals(after.environments["kept"]!.packages, [{ name: "other-pkg", version: "2.0.0" }]);
});

Deno.test("a corrupt registry is moved aside and rebuilt, never replaced silently", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "x"]));
  const file = join(ctx.home, "environments.json");
  await Deno.writeTextFile(file, "{ not json");
  const result = await ctx.run(["list"]);
  assertOk(result);
  assertStringIncludes(result.stderr, "was damaged; it was moved to");
  const aside = (await Array.fromAsync(Deno.readDir(ctx.home))).map((e) => e.name).filter((n) =>
    n.startsWith("environments.json.corrupt-")
  );
  assertEquals(aside.length, 1);
  assertEquals(await Deno.readTextFile(join(ctx.home, aside[0]!)), "{ not json");
  assertOk(await ctx.run(["cleanup", "--orphaned"]));
  assertEquals(Object.keys((await ctx.registry()).environments), ["x"]);
});

Deno.test("run passes the exit code through and forwards signals", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "r", "--packages", "demo-pkg"]));
  assertEquals((await ctx.run(["run", "r", "python", "-c", "import sys; sys.exit(7)"])).code, 7);
  const script = await ctx.run(["run", "r", "demo-cli"]);
  assertOk(script);
  assertEquals(script.stdout.trim(), "demo-pkg 1.1.0");
  const env = await ctx.run([
    "run",
    "r",
    "python",
    "-c",
    "import os, sys; print(os.environ['VIRTUAL_ENV'] == sys.prefix)",
  ]);
  assertEquals(env.stdout.trim(), "True");
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      ...PERMISSION_FLAGS,
      new URL("../../main.ts", import.meta.url).pathname,
      "run",
      "r",
      "python",
      "-c",
      "import time; print('ready', flush=True); time.sleep(30)",
    ],
    env: ctx.env,
    clearEnv: true,
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = child.stdout.getReader();
  const first = await reader.read();
  assertStringIncludes(new TextDecoder().decode(first.value), "ready");
  child.kill("SIGTERM");
  const status = await child.status;
  reader.releaseLock();
  await child.stdout.cancel();
  assertEquals(status.code, 128 + 15, "python got SIGTERM and gestvenv reported it");
});

Deno.test("shell-init makes `gestvenv activate` activate the current bash", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "act"]));
  const init = await ctx.run(["shell-init", "bash"]);
  assertOk(init);
  const initFile = join(ctx.work, "init.sh");
  await Deno.writeTextFile(initFile, init.stdout);
  const bash = await ctx.exec("bash", [
    "-c",
    `. '${initFile}'; gestvenv activate act; echo "$VIRTUAL_ENV"; command -v python; gestvenv deactivate; echo "\${VIRTUAL_ENV:-none}"`,
  ]);
  assertOk(bash);
  const path = ctx.envPath("act");
  assertEquals(bash.stdout.trim().split("\n"), [path, join(path, "bin", "python"), "none"]);
  const plain = await ctx.run(["activate", "act", "--shell", "fish"]);
  assertEquals(plain.stdout.trim(), `source '${join(path, "bin", "activate.fish")}'`);
  assertStringIncludes(plain.stderr, "shell-init");
});

Deno.test("config set, get, show and unset edit config.toml; a broken file is a config error", async () => {
  await using ctx = await createTestContext();
  assertOk(
    await ctx.run([
      "config",
      "set",
      "extra_index_urls",
      "https://a.example/simple, https://b.example/simple",
    ]),
  );
  assertOk(await ctx.run(["config", "set", "default_python", "3"]));
  const get = await ctx.run(["config", "get", "extra_index_urls"]);
  assertEquals(get.stdout.trim(), "https://a.example/simple https://b.example/simple");
  const toml = await Deno.readTextFile(join(ctx.home, "config.toml"));
  assertStringIncludes(
    toml,
    'extra_index_urls = [ "https://a.example/simple", "https://b.example/simple" ]',
  );
  const show = await ctx.run(["config", "show", "--format", "json"]);
  assertEquals(JSON.parse(show.stdout).data.config.default_python, "3");
  assertOk(await ctx.run(["config", "unset", "extra_index_urls"]));
  assertEquals((await ctx.run(["config", "get", "extra_index_urls"])).stdout, "");
  assertEquals((await ctx.run(["config", "set", "backend", "conda"])).code, 10);
  await Deno.writeTextFile(join(ctx.home, "config.toml"), "backend = [");
  const broken = await ctx.run(["list"]);
  assertEquals(broken.code, 10);
  assertStringIncludes(broken.stderr, "not valid TOML");
});

Deno.test("create --path makes a registered environment elsewhere; delete removes it there", async () => {
  await using ctx = await createTestContext();
  const dir = join(ctx.work, "project", ".venv");
  assertOk(await ctx.run(["create", "proj", "--path", dir, "--packages", "other-pkg"]));
  assertEquals((await ctx.registry()).environments["proj"]!.path, dir);
  const python = await ctx.exec(join(dir, "bin", "python"), [
    "-c",
    "import other_pkg, sys; print(sys.prefix)",
  ]);
  assertEquals(python.stdout.trim(), dir);
  assertOk(await ctx.run(["delete", "proj", "--force"]));
  assert(!(await exists(dir)));
  assert(await exists(join(ctx.work, "project")), "only the environment directory is removed");
});

Deno.test("shell starts a sub-shell with the environment active and passes its exit status", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "sub"]));
  const bash = await ctx.exec("sh", ["-c", "command -v bash"]);
  const result = await ctx.run(["shell", "sub"], {
    env: { SHELL: bash.stdout.trim() || "/bin/bash", HOME: ctx.work },
    stdin: 'echo "env=$VIRTUAL_ENV prompt=$VIRTUAL_ENV_PROMPT"; command -v python; exit 5\n',
  });
  assertEquals(result.code, 5, result.stderr);
  assertStringIncludes(result.stdout, `env=${ctx.envPath("sub")} prompt=sub`);
  assertStringIncludes(result.stdout, join(ctx.envPath("sub"), "bin", "python"));
});
