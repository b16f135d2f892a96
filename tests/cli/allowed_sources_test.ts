/**
 * `security.allowed_sources` and `security.require_hashes` (issue 12 §3): a source outside the
 * list is refused before any request (the local index counts its requests), with the URL, the
 * rule and its file; nothing in the environment changes.
 */
import { join } from "node:path";
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import {
  assertOk,
  createTestContext,
  standardWheels,
  type TestContext,
} from "../helpers/test_context.ts";
import { buildWheel } from "../helpers/build_wheel.ts";
import { treeDigest } from "../helpers/tree_digest.ts";
import { assertSnapshot, filterText } from "../helpers/snapshot.ts";

async function writeConfig(cli: TestContext, text: string): Promise<void> {
  await Deno.mkdir(cli.home, { recursive: true });
  await Deno.writeTextFile(join(cli.home, "config.toml"), text);
}

const indexHost = (cli: TestContext) => new URL(cli.index.url).host;

/** The environment's tree and lock, to prove a refusal changed nothing. */
async function state(cli: TestContext, name: string): Promise<string[]> {
  return await treeDigest(cli.envPath(name));
}

function shown(cli: TestContext, text: string): string {
  return filterText(text, [[cli.home, "<home>"], [cli.work, "<work>"], [
    indexHost(cli),
    "<index>",
  ]]);
}

Deno.test("allowed sources: an index outside the list gets zero requests, exit 10, nothing changes", async (t) => {
  await using cli = await createTestContext();
  assertOk(await cli.run(["create", "app"]));
  await writeConfig(cli, `[security]\nallowed_sources = ["pypi.org", "files.pythonhosted.org"]\n`);
  const before = await state(cli, "app");
  const requests = cli.index.requests.length;
  const refused = await cli.run(["install", "demo-pkg", "--env", "app"]);
  assertEquals(refused.code, 10, refused.stderr);
  assertEquals(cli.index.requests.length, requests, "no request reached the index");
  assertStringIncludes(refused.stderr, "security.allowed_sources");
  assertStringIncludes(refused.stderr, join(cli.home, "config.toml"));
  assertEquals(await state(cli, "app"), before);
  await assertSnapshot(t, shown(cli, refused.stderr));

  // The same index, allowed by host:port, installs.
  await writeConfig(cli, `[security]\nallowed_sources = ["pypi.org", "${indexHost(cli)}"]\n`);
  assertOk(await cli.run(["install", "demo-pkg", "--env", "app"]));
  const run = await cli.exec(join(cli.envPath("app"), "bin", "python"), ["-c", "import demo_pkg"]);
  assertEquals(run.code, 0, run.stderr);
});

Deno.test("allowed sources: credentials are never printed, a URL entry is reduced to its host, wildcards match sub-domains", async () => {
  await using cli = await createTestContext();
  await writeConfig(
    cli,
    `index_url = "http://alice:s3cret@127.0.0.1:9/simple"\n[security]\nallowed_sources = ["https://pypi.org/simple", "*.example.com"]\n`,
  );
  const refused = await cli.run(["create", "app", "--packages", "demo-pkg"]);
  assertEquals(refused.code, 10, refused.stderr);
  assert(!refused.stderr.includes("s3cret") && !refused.stderr.includes("alice"), refused.stderr);
  assertStringIncludes(refused.stderr, "http://127.0.0.1:9/simple");
  assertStringIncludes(refused.stderr, "https://pypi.org/simple, *.example.com");
});

Deno.test("allowed sources: a URL requirement outside the list is refused before any request (exit 1)", async () => {
  await using cli = await createTestContext();
  assertOk(await cli.run(["create", "app"]));
  await writeConfig(cli, `[security]\nallowed_sources = ["${indexHost(cli)}"]\n`);
  const before = await state(cli, "app");
  const requests = cli.index.requests.length;
  const refused = await cli.run([
    "install",
    "demo-pkg @ https://elsewhere.example/demo_pkg-1.0.0-py3-none-any.whl",
    "--env",
    "app",
  ]);
  assertEquals(refused.code, 1, refused.stderr);
  assertStringIncludes(refused.stderr, "The requirement https://elsewhere.example/");
  assertEquals(cli.index.requests.length, requests);
  assertEquals(await state(cli, "app"), before);
});

Deno.test("allowed sources: a local find-links directory needs a file: entry", async () => {
  await using cli = await createTestContext();
  const wheels = join(cli.work, "wheels");
  await Deno.mkdir(wheels);
  await writeConfig(
    cli,
    `find_links = ["${wheels}"]\n[security]\nallowed_sources = ["${indexHost(cli)}"]\n`,
  );
  const refused = await cli.run(["create", "app", "--packages", "demo-pkg"]);
  assertEquals(refused.code, 10, refused.stderr);
  assertStringIncludes(refused.stderr, `find-links location ${wheels}`);
  await writeConfig(
    cli,
    `find_links = ["${wheels}"]\n[security]\nallowed_sources = ["${
      indexHost(cli)
    }", "file:${wheels}"]\n`,
  );
  assertOk(await cli.run(["create", "app", "--packages", "demo-pkg"]));
});

Deno.test("allowed sources: a lock whose file URL is outside the list is refused before any download", async () => {
  await using cli = await createTestContext();
  assertOk(await cli.run(["create", "app", "--packages", "demo-pkg"]));
  const lockPath = join(cli.envPath("app"), "pylock.toml");
  const lock = await Deno.readTextFile(lockPath);
  // The same files, said to come from another host.
  const moved = lock.replaceAll(`http://${indexHost(cli)}`, "https://mirror.example");
  const other = join(cli.work, "pylock.toml");
  await Deno.writeTextFile(other, moved);
  assertOk(await cli.run(["create", "b"]));
  await writeConfig(cli, `[security]\nallowed_sources = ["${indexHost(cli)}"]\n`);
  const before = await state(cli, "b");
  const refused = await cli.run(["sync", "b", "--locked", "--lock-file", other]);
  assertEquals(refused.code, 1, refused.stderr);
  assertStringIncludes(refused.stderr, "The lock file URL https://mirror.example/");
  assertEquals(await state(cli, "b"), before);
});

Deno.test("allowed sources: a redirect to a host outside the list is not followed", async () => {
  await using cli = await createTestContext();
  const target = new URL(cli.index.url);
  let redirected = 0;
  await using redirector = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (req) => {
      redirected++;
      const url = new URL(req.url);
      // Same address, another port: a different source.
      return Response.redirect(`${target.origin}${url.pathname}`, 302);
    },
  );
  const from = `http://127.0.0.1:${redirector.addr.port}/simple`;
  await writeConfig(
    cli,
    `index_url = "${from}"\n[security]\nallowed_sources = ["127.0.0.1:${redirector.addr.port}"]\n`,
  );
  const requests = cli.index.requests.length;
  const refused = await cli.run(["create", "app", "--packages", "demo-pkg"]);
  assertEquals(refused.code, 1, refused.stderr);
  assertStringIncludes(refused.stderr, "The redirect target http://127.0.0.1:");
  assert(redirected > 0, "the allowed host was asked");
  assertEquals(cli.index.requests.length, requests, "the redirect target was never asked");
});

Deno.test("allowed sources: a bad entry is a configuration error naming the file", async () => {
  await using cli = await createTestContext();
  await writeConfig(cli, `[security]\nallowed_sources = ["not a host/"]\n`);
  const refused = await cli.run(["create", "app", "--packages", "demo-pkg"]);
  assertEquals(refused.code, 10, refused.stderr);
  assertStringIncludes(refused.stderr, "`not a host/`");
  assertStringIncludes(refused.stderr, "config.toml");
});

Deno.test("require_hashes: pip gets --require-hashes with the lock's sha256; a directory is refused", async () => {
  await using cli = await createTestContext();
  assertOk(await cli.run(["create", "app", "--backend", "pip"]));
  await writeConfig(cli, `[security]\nrequire_hashes = true\n`);
  const installed = await cli.run(["install", "demo-pkg", "--env", "app", "--verbose"]);
  assertOk(installed);
  assertStringIncludes(installed.stderr + installed.stdout, "--require-hashes");
  const run = await cli.exec(join(cli.envPath("app"), "bin", "python"), ["-c", "import demo_pkg"]);
  assertEquals(run.code, 0, run.stderr);

  // A project directory cannot be verified by a hash: refused, nothing changes.
  const project = join(cli.work, "proj");
  await Deno.mkdir(project);
  await Deno.writeTextFile(
    join(project, "pyproject.toml"),
    `[build-system]\nrequires = []\nbuild-backend = "x"\n[project]\nname = "proj"\nversion = "1.0"\n`,
  );
  const before = await state(cli, "app");
  const refused = await cli.run(["install", "-e", project, "--env", "app"]);
  assertEquals(refused.code, 1, refused.stderr);
  assertStringIncludes(refused.stderr, `Hashes are required (security.require_hashes (`);
  assertStringIncludes(refused.stderr, `the editable directory ${project} cannot be verified`);
  assertEquals(await state(cli, "app"), before);
});

Deno.test("strict mode: config set security-mode strict; without a list only PyPI and the configured indexes are sources", async () => {
  await using cli = await createTestContext();
  assertOk(await cli.run(["create", "app"]));
  assertOk(await cli.run(["config", "set", "security-mode", "strict"]));
  const shown = JSON.parse((await cli.run(["config", "show", "--format", "json"])).stdout).data;
  assertEquals(shown.settings["security.mode"].value, "strict");
  assertEquals(shown.settings["security.require_hashes"].value, true);
  assertEquals(shown.settings["security.allowed_sources"].value, [
    "pypi.org",
    "files.pythonhosted.org",
  ]);
  // The test's index comes from pip's configuration (PIP_INDEX_URL): not trusted by strict mode.
  const before = await state(cli, "app");
  const requests = cli.index.requests.length;
  const refused = await cli.run(["install", "demo-pkg", "--env", "app"]);
  assertEquals(refused.code, 10, refused.stderr);
  assertStringIncludes(refused.stderr, "security.mode = strict");
  assertEquals(cli.index.requests.length, requests);
  // Configured for gestvenv, it is a source; the install is then refused for want of an audit
  // (OSV cannot be reached: a closed port here; no offline database).
  assertOk(await cli.run(["config", "set", "index_url", cli.index.url]));
  assertOk(await cli.run(["config", "set", "audit.osv_url", "http://127.0.0.1:9"]));
  const unaudited = await cli.run(["install", "demo-pkg", "--env", "app"]);
  assertEquals(unaudited.code, 5, unaudited.stderr);
  assertStringIncludes(unaudited.stderr, "the audit could not run");
  assertEquals(await state(cli, "app"), before);
  // A project file cannot loosen it.
  await Deno.writeTextFile(join(cli.work, ".gestvenv.toml"), `[security]\nmode = "default"\n`);
  const project = await cli.run(["install", "demo-pkg", "--env", "app"]);
  assertEquals(project.code, 5, project.stderr);
  assertStringIncludes(project.stderr, "Strict mode");
  assertStringIncludes(project.stderr, "a project cannot change your security settings");
});

Deno.test("require_hashes: requirements files need --hash on every line, and the installed file must match one", async () => {
  const wheels = standardWheels();
  await using cli = await createTestContext(wheels);
  assertOk(await cli.run(["create", "app"]));
  const dep = wheels.find((w) => w.name === "demo-dep" && w.version === "1.0.0")!;
  const reqs = join(cli.work, "requirements.txt");
  await writeConfig(cli, `[security]\nrequire_hashes = true\n`);
  await Deno.writeTextFile(reqs, "demo-dep==1.0.0\nother-pkg==2.0.0\n");
  const before = await state(cli, "app");
  const unhashed = await cli.run(["install", "-r", reqs, "--env", "app"]);
  assertEquals(unhashed.code, 1, unhashed.stderr);
  assertStringIncludes(unhashed.stderr, "requirements.txt:1, ");
  assertStringIncludes(unhashed.stderr, "no `--hash`, and hashes are required");
  // A wrong hash: no file matches, nothing installed.
  await Deno.writeTextFile(reqs, `demo-dep==1.0.0 --hash=sha256:${"0".repeat(64)}\n`);
  const wrong = await cli.run(["install", "-r", reqs, "--env", "app"]);
  assertEquals(wrong.code, 1, wrong.stderr);
  assertStringIncludes(wrong.stderr, "no file of demo-dep 1.0.0 has the sha256");
  assertEquals(await state(cli, "app"), before);
  // The right one installs.
  await Deno.writeTextFile(reqs, `demo-dep==1.0.0 --hash=sha256:${dep.sha256}\n`);
  assertOk(await cli.run(["install", "-r", reqs, "--env", "app"]));
  // Without the setting, a file with some hashes is in hash-checking mode too (as pip).
  await writeConfig(cli, "");
  await Deno.writeTextFile(reqs, `demo-dep==1.0.0 --hash=sha256:${dep.sha256}\nother-pkg\n`);
  const partial = await cli.run(["install", "-r", reqs, "--env", "app"]);
  assertEquals(partial.code, 1, partial.stderr);
  assertStringIncludes(partial.stderr, "requirements.txt:2: no `--hash`, and other lines give");
});

Deno.test("allowed sources: a wheel only in an allowed local find-links directory installs, its sha256 locked", async () => {
  await using cli = await createTestContext(standardWheels());
  const wheel = buildWheel({ name: "outside-pkg", version: "1.0.0" });
  const dir = join(cli.work, "wheels");
  await Deno.mkdir(dir);
  await Deno.writeFile(join(dir, wheel.filename), wheel.bytes);
  for (const [name, location] of [["plain", dir], ["url", `file://${dir}`]]) {
    await writeConfig(
      cli,
      `find_links = ["${location}"]\n[security]\nrequire_hashes = true\n` +
        `allowed_sources = ["${new URL(cli.index.url).host}", "file:${dir}"]\n`,
    );
    assertOk(await cli.run(["create", name!, "--packages", "outside-pkg"]));
    const lock = await Deno.readTextFile(join(cli.envPath(name!), "pylock.toml"));
    assertStringIncludes(lock, `sha256 = "${wheel.sha256}"`);
    const run = await cli.exec(join(cli.envPath(name!), "bin", "python"), [
      "-c",
      "import outside_pkg",
    ]);
    assertEquals(run.code, 0, run.stderr);
  }
});
