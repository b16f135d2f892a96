import { join } from "node:path";
import { assert, assertEquals, assertRejects, assertThrows } from "../../tests/helpers/assert.ts";
import { loadProjectSettings } from "../config/mod.ts";
import { ConfigError, UsageError } from "../errors/mod.ts";
import { hookId, hooksOfEntries, newHookEntry, parseHookEvent } from "./hook_definition.ts";
import { editProjectHooks, projectHooks } from "./hook_store.ts";
import { findHook } from "./hook_listing.ts";
import { runHook } from "./run_hook.ts";
import {
  isTrusted,
  projectHooksDigest,
  readTrustStore,
  trustFile,
  trustRoot,
  updateTrustStore,
} from "./trust_store.ts";

Deno.test("hook events, entries and ids", async () => {
  assertEquals(parseHookEvent("post_create"), "post-create");
  assertEquals(parseHookEvent("PRE-RUN"), "pre-run");
  assertThrows(() => parseHookEvent("post-nothing"), UsageError, "Unknown hook event");
  assertEquals(newHookEntry("./x.sh"), "./x.sh");
  assertEquals(newHookEntry("./x.sh", { timeoutSeconds: 5, name: "x" }), {
    command: "./x.sh",
    timeout: 5,
    name: "x",
  });
  assertThrows(() => newHookEntry("  "), UsageError);
  assertThrows(() => newHookEntry("x", { timeoutSeconds: 0 }), UsageError);
  // Stable: derived from scope, owner, event and command; `-`/`_` spellings are one event.
  const a = await hookId("environment", "web", "post-install", "true");
  assertEquals(a, await hookId("environment", "web", "post-install", "true"));
  assert(/^e[0-9a-f]{6}$/.test(a));
  assert(a !== await hookId("environment", "api", "post-install", "true"));
  const hooks = await hooksOfEntries("global", "", "config.toml", "post-sync", [
    "a",
    { command: "b", timeout: 2, name: "bee" },
  ]);
  assertEquals(hooks.map((h) => [h.command, h.timeoutSeconds, h.name]), [
    ["a", null, null],
    ["b", 2, "bee"],
  ]);
  assertEquals(findHook(hooks, "bee").command, "b");
  assertEquals(findHook(hooks, hooks[0]!.id).command, "a");
  assertThrows(() => findHook(hooks, "nope"), UsageError, "No hook");
  await assertRejects(
    () => hooksOfEntries("global", "", "config.toml", "post-sync", [{ command: "" }]),
    ConfigError,
  );
});

Deno.test("editProjectHooks rewrites only the [hooks] section and refuses forms it cannot", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = join(dir, ".gestvenv.toml");
    const head = '# mine\nbackend = "native"  # keep\n\n';
    const tail = '\n[scripts]\ntest = "pytest"\n';
    await Deno.writeTextFile(file, `${head}[hooks]\npost-create = "a"\n${tail}`);
    await editProjectHooks(file, (hooks) => {
      hooks.post_create = [...hooks.post_create!, { command: "b c", timeout: 3 }];
    });
    const text = await Deno.readTextFile(file);
    assert(text.startsWith(head), text);
    assert(text.endsWith(tail), text);
    const project = (await loadProjectSettings(dir))!;
    assertEquals((await projectHooks(project)).map((h) => [h.event, h.command, h.source]), [
      ["post-create", "a", file],
      ["post-create", "b c", file],
    ]);
    // Removing every hook removes the section; a file without one gets it appended.
    await editProjectHooks(file, (hooks) => delete hooks.post_create);
    assertEquals(await Deno.readTextFile(file), `${head}${tail}`);
    await editProjectHooks(file, (hooks) => hooks.pre_run = ["make"]);
    assertEquals(await Deno.readTextFile(file), `${head}${tail}\n[hooks]\npre_run = "make"\n`);

    const inline = join(dir, "inline.toml");
    await Deno.writeTextFile(inline, 'hooks = { post_sync = "x" }\n');
    await assertRejects(
      () => editProjectHooks(inline, (hooks) => hooks.pre_run = ["y"]),
      ConfigError,
      "Cannot rewrite the hooks",
    );
    assertEquals(await Deno.readTextFile(inline), 'hooks = { post_sync = "x" }\n');
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("trust.json: a digest per project, atomic and versioned; a changed hook is not trusted", async () => {
  const home = await Deno.makeTempDir();
  try {
    const hooks = await hooksOfEntries("project", "/p", "/p/.gestvenv.toml", "post-create", "a");
    const digest = await projectHooksDigest(hooks);
    assertEquals((await readTrustStore(home)).size, 0);
    await updateTrustStore(home, (s) => s.set("/p", { sha256: digest, trusted_at: "now" }));
    const store = await readTrustStore(home);
    assert(await isTrusted(store, "/p", digest));
    const edited = await hooksOfEntries("project", "/p", "/p/.gestvenv.toml", "post-create", "b");
    assert(!(await isTrusted(store, "/p", await projectHooksDigest(edited))));
    assertEquals(JSON.parse(await Deno.readTextFile(trustFile(home))).version, 1);
    // Trust is keyed by the real path: a symbolic link to a trusted project is that project.
    const real = await Deno.realPath(await Deno.makeTempDir({ dir: home }));
    const link = join(home, "link");
    await Deno.symlink(real, link);
    const key = await trustRoot(link);
    await updateTrustStore(home, (s) => s.set(key, { sha256: digest, trusted_at: "now" }));
    assert((await readTrustStore(home)).has(real), "recorded by its real path");
    assert(await isTrusted(await readTrustStore(home), real, digest));
    assert(await isTrusted(await readTrustStore(home), link, digest));
    await Deno.writeTextFile(trustFile(home), '{"projects": []}');
    await assertRejects(() => readTrustStore(home), ConfigError, "not a gestvenv trust file");
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("runHook: variables, the changes file, output lines, exit codes and the timeout", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const [hook] = await hooksOfEntries(
      "global",
      "",
      "config.toml",
      "pre-install",
      'echo "$GESTVENV_EVENT $GESTVENV_ENV $VIRTUAL_ENV"; cat "$GESTVENV_CHANGES"; printf tail; exit 4',
    );
    const lines: string[] = [];
    const outcome = await runHook(hook!, {
      event: "pre-install",
      environment: "web",
      path: "/envs/web",
      changes: [{
        name: "six",
        before: null,
        after: "1.16.0",
        artifact: null,
        url: null,
        directory: null,
      }],
    }, { timeoutMs: 10_000, cwd: dir, onOutput: (l) => lines.push(l) });
    assertEquals(outcome.code, 4);
    assertEquals(outcome.timedOut, false);
    assertEquals(lines[0], "pre-install web /envs/web");
    assertEquals(
      JSON.parse(lines.slice(1, -1).join("\n")),
      [{ name: "six", before: null, after: "1.16.0" }],
    );
    assertEquals(lines.at(-1), "tail", "an unterminated last line is passed on");

    const [slow] = await hooksOfEntries("global", "", "config.toml", "post-sync", "sleep 20");
    const started = performance.now();
    const stopped = await runHook(slow!, { event: "post-sync", environment: "w", path: dir }, {
      timeoutMs: 200,
      cwd: dir,
      onOutput: () => {},
    });
    assertEquals([stopped.code, stopped.timedOut], [1, true]);
    assert(performance.now() - started < 5_000);

    // The shell's exit status is the outcome: a background process it leaves holding the pipes
    // is not waited for (nor counted as a timeout).
    const [bg] = await hooksOfEntries(
      "global",
      "",
      "config.toml",
      "pre-delete",
      `sleep 30 & echo $! > '${dir}/bg.pid'; echo started`,
    );
    const bgLines: string[] = [];
    const bgStarted = performance.now();
    const detached = await runHook(bg!, { event: "pre-delete", environment: "w", path: dir }, {
      timeoutMs: 5_000,
      cwd: dir,
      onOutput: (l) => bgLines.push(l),
    });
    assertEquals([detached.code, detached.timedOut], [0, false]);
    assertEquals(bgLines, ["started"]);
    assert(performance.now() - bgStarted < 2_000, `${performance.now() - bgStarted} ms`);
    const pid = Number((await Deno.readTextFile(join(dir, "bg.pid"))).trim());
    try {
      Deno.kill(pid, "SIGKILL");
    } catch { /* gone */ }
    const [bgFail] = await hooksOfEntries(
      "global",
      "",
      "config.toml",
      "post-sync",
      "sleep 30 & exit 3",
    );
    const failed = await runHook(bgFail!, { event: "post-sync", environment: "w", path: dir }, {
      timeoutMs: 5_000,
      cwd: dir,
      onOutput: () => {},
    });
    assertEquals([failed.code, failed.timedOut], [3, false]);

    // A shell that does not finish is stopped at the timeout with its whole process group: a
    // child that ignores SIGTERM is killed too.
    const [stubborn] = await hooksOfEntries(
      "global",
      "",
      "config.toml",
      "post-sync",
      `sh -c 'trap "" TERM; echo $$ > "${dir}/child.pid"; sleep 30' & wait`,
    );
    const stubbornStarted = performance.now();
    const killed = await runHook(stubborn!, { event: "post-sync", environment: "w", path: dir }, {
      timeoutMs: 300,
      cwd: dir,
      onOutput: () => {},
    });
    assertEquals([killed.code, killed.timedOut], [1, true]);
    assert(performance.now() - stubbornStarted < 4_000);
    const child = Number((await Deno.readTextFile(join(dir, "child.pid"))).trim());
    let alive = true;
    for (let i = 0; i < 50 && alive; i++) {
      try {
        Deno.kill(child, "SIGCONT");
        await new Promise((r) => setTimeout(r, 50));
      } catch {
        alive = false;
      }
    }
    assertEquals(alive, false, "the child ignoring SIGTERM was killed with its group");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
