import { assertEquals, assertRejects } from "../../tests/helpers/assert.ts";
import { ConfigError } from "../errors/mod.ts";
import { withFileLock } from "../fs/mod.ts";
import type { HomeLayout } from "../paths/mod.ts";
import { parsePolicy } from "../policy/mod.ts";
import {
  configFiles,
  createConfigBackup,
  parseConfigBackup,
  renderConfigBackup,
  resetConfig,
  restoreConfigBackup,
  writeNewBackup,
} from "./config_backup.ts";

/** lib/policy's reader, as `config restore` passes it. */
const checkPolicy = (text: string, where: string) => parsePolicy(text, where, "toml");

async function tempHome(): Promise<HomeLayout> {
  const root = await Deno.makeTempDir({ prefix: "gestvenv-backup-" });
  return {
    root,
    configFile: `${root}/config.toml`,
    registryFile: `${root}/environments.json`,
    environmentsDir: `${root}/environments`,
    cacheDir: `${root}/cache`,
    locksDir: `${root}/locks`,
  };
}

async function write(home: HomeLayout, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await Deno.mkdir(`${home.root}/${path}`.replace(/\/[^/]+$/, ""), { recursive: true });
    await Deno.writeTextFile(`${home.root}/${path}`, text);
  }
}

const CONFIG = 'backend = "pip"\nactive_profile = "team"\n';
const TEAM = "version = 1\n[settings]\nauto_sync = true\n";

Deno.test("a backup holds config.toml, profiles and policies, nothing else", async () => {
  const home = await tempHome();
  try {
    await write(home, {
      "config.toml": CONFIG,
      "profiles/team.toml": TEAM,
      "policies/base.toml": "version = 1\n",
      "profiles/notes.txt": "not a profile",
      "environments.json": "{}",
      "cache/x": "y",
    });
    const backup = await createConfigBackup(home, "9.9.9", new Date(0));
    assertEquals(Object.keys(backup.files), [
      "config.toml",
      "profiles/team.toml",
      "policies/base.toml",
    ]);
    assertEquals(backup.created, "1970-01-01T00:00:00.000Z");
    const parsed = await parseConfigBackup(renderConfigBackup(backup), "b.json", home, checkPolicy);
    assertEquals(parsed.files["profiles/team.toml"]!.text, TEAM);
  } finally {
    await Deno.remove(home.root, { recursive: true });
  }
});

Deno.test("parseConfigBackup() refuses every kind of broken backup", async () => {
  const home = await tempHome();
  try {
    await write(home, { "config.toml": CONFIG, "profiles/team.toml": TEAM });
    const good = JSON.parse(renderConfigBackup(await createConfigBackup(home, "1")));
    const variants: Array<[unknown, string]> = [
      ["not json", "not JSON"],
      [{ ...good, format: "x" }, "`format`"],
      [{ ...good, version: 2 }, "format version 2"],
      [{ ...good, files: { "../etc/passwd": good.files["config.toml"] } }, "not a configuration"],
      [
        { ...good, files: { "environments.json": good.files["config.toml"] } },
        "not a configuration",
      ],
      [{
        ...good,
        files: { "config.toml": { ...good.files["config.toml"], text: 'backend = "uv"\n' } },
      }, "sha256"],
      // A consistent hash over a bad value, an unknown key, or a missing active profile.
      [await withFile(good, "config.toml", 'backend = "conda"\n'), "backend"],
      [await withFile(good, "config.toml", "backnd = 1\n"), "did you mean `backend`"],
      [await withFile(good, "profiles/team.toml", "[settings]\nx_y = 1\n"), "x_y"],
      [await withFile(good, "policies/p.toml", "[broken\n"), "not valid TOML"],
      // Valid TOML that is not a valid policy: checked as `policy apply` checks one.
      [await withFile(good, "policies/p.toml", "version = 7\n"), "policies/p.toml in b.json"],
      [
        await withFile(good, "policies/p.toml", "version = 1\n[packages]\nblocked = [1]\n"),
        "policies/p.toml in b.json",
      ],
      [await withFile(good, "policies/p.toml", "version = 1\n[bogus]\n"), "bogus"],
      [
        await withFile({ ...good, files: {} }, "config.toml", 'active_profile = "gone"\n'),
        "`gone`",
      ],
    ];
    for (const [doc, message] of variants) {
      const text = typeof doc === "string" ? doc : JSON.stringify(doc);
      await assertRejects(
        () => parseConfigBackup(text, "b.json", home, checkPolicy),
        ConfigError,
        message,
      );
    }
  } finally {
    await Deno.remove(home.root, { recursive: true });
  }
});

async function withFile(doc: Record<string, unknown>, path: string, text: string) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  const sha256 = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join(
    "",
  );
  return { ...doc, files: { ...(doc.files as object), [path]: { sha256, text } } };
}

Deno.test("restore keeps replaced files as .bak-STAMP; reset removes only configuration files", async () => {
  const home = await tempHome();
  try {
    await write(home, { "config.toml": CONFIG, "profiles/team.toml": TEAM });
    const backup = await createConfigBackup(home, "1");
    await write(home, { "config.toml": 'backend = "uv"\n', "profiles/other.toml": TEAM });
    const steps = await restoreConfigBackup(home, backup, "STAMP");
    assertEquals(steps.map((s) => `${s.action} ${s.path}`), [
      "replace config.toml",
      "same profiles/team.toml",
    ]);
    assertEquals(await Deno.readTextFile(home.configFile), CONFIG);
    assertEquals(await Deno.readTextFile(`${home.configFile}.bak-STAMP`), 'backend = "uv"\n');
    // Files the backup does not hold are left alone.
    assertEquals(await Deno.readTextFile(`${home.root}/profiles/other.toml`), TEAM);

    await write(home, {
      "notes.txt": "mine",
      "profiles/README": "mine too",
      "environments.json": "{}",
    });
    const { backup: saved, removed } = await resetConfig(home, "1");
    assertEquals(removed, ["config.toml", "profiles/other.toml", "profiles/team.toml"]);
    // The backup holds exactly what was removed.
    assertEquals(
      Object.keys(JSON.parse(await Deno.readTextFile(saved)).files).sort(),
      removed,
    );
    assertEquals((await configFiles(home)).size, 0);
    for (
      const kept of ["notes.txt", "profiles/README", "environments.json", "config.toml.bak-STAMP"]
    ) {
      await Deno.stat(`${home.root}/${kept}`);
    }
  } finally {
    await Deno.remove(home.root, { recursive: true });
  }
});

Deno.test("reset backs up under the configuration lock: a change made meanwhile is in the backup", async () => {
  const home = await tempHome();
  try {
    await write(home, { "config.toml": CONFIG, "profiles/team.toml": TEAM });
    let reset: Promise<{ backup: string; removed: string[] }> | undefined;
    // Another command (`config set`) holds the lock and changes config.toml; the reset waits.
    await withFileLock(`${home.configFile}.lock`, async () => {
      reset = resetConfig(home, "1");
      await new Promise((r) => setTimeout(r, 100));
      await Deno.writeTextFile(home.configFile, 'backend = "pip"\nactive_profile = "team"\n#x\n');
    });
    const { backup } = await reset!;
    const doc = JSON.parse(await Deno.readTextFile(backup));
    assertEquals(doc.files["config.toml"].text, 'backend = "pip"\nactive_profile = "team"\n#x\n');
    assertEquals((await configFiles(home)).size, 0);
  } finally {
    await Deno.remove(home.root, { recursive: true });
  }
});

Deno.test("backups made within one second never overwrite each other", async () => {
  const home = await tempHome();
  try {
    const date = new Date(0);
    await write(home, { "config.toml": CONFIG });
    const first = await resetConfig(home, "1", { date });
    await write(home, { "config.toml": 'backend = "uv"\n' });
    const second = await resetConfig(home, "1", { date });
    const third = await writeNewBackup(home, await createConfigBackup(home, "1"), date);
    assertEquals(new Set([first.backup, second.backup, third]).size, 3);
    assertEquals(first.backup.endsWith("config-19700101T000000Z.json"), true, first.backup);
    assertEquals(second.backup.endsWith("config-19700101T000000Z-2.json"), true, second.backup);
    const text = (file: string) =>
      Deno.readTextFile(file).then((t) => JSON.parse(t).files["config.toml"]?.text);
    assertEquals(await text(first.backup), CONFIG, "the first reset's backup is intact");
    assertEquals(await text(second.backup), 'backend = "uv"\n');
    assertEquals((await Deno.stat(first.backup)).mode! & 0o777, 0o600);
    // No temp file is left beside them.
    const names = [];
    for await (const e of Deno.readDir(`${home.root}/backups`)) names.push(e.name);
    assertEquals(names.filter((n) => n.endsWith(".tmp")), []);
  } finally {
    await Deno.remove(home.root, { recursive: true });
  }
});
