import { assert, assertEquals, assertRejects, assertThrows } from "../../tests/helpers/assert.ts";
import { ConfigError } from "../errors/mod.ts";
import type { HomeLayout } from "../paths/mod.ts";
import { CONFIG_KEYS, isConfigKey, suggestConfigKey } from "./config_schema.ts";
import {
  BUILTIN_PROFILES,
  checkProfileName,
  listProfiles,
  loadActiveProfile,
  loadProfile,
  parseProfileText,
  PROFILE_EXCLUDED_KEYS,
  renderProfile,
  renderProfileJson,
  saveProfile,
} from "./profiles.ts";
import { resolveSettings } from "./settings.ts";

async function tempHome(): Promise<HomeLayout> {
  const root = await Deno.makeTempDir({ prefix: "gestvenv-profiles-" });
  return {
    root,
    configFile: `${root}/config.toml`,
    registryFile: `${root}/environments.json`,
    environmentsDir: `${root}/environments`,
    cacheDir: `${root}/cache`,
    locksDir: `${root}/locks`,
  };
}

Deno.test("every built-in profile names only known keys, with valid values", () => {
  assertEquals([...BUILTIN_PROFILES.keys()], ["dev", "prod", "secure", "fast"]);
  for (const profile of BUILTIN_PROFILES.values()) {
    assert(profile.description.length > 0, profile.name);
    for (const key of Object.keys(profile.settings)) {
      assert(isConfigKey(key), `${profile.name}: ${key}`);
      assert(!PROFILE_EXCLUDED_KEYS.has(key), `${profile.name}: ${key}`);
    }
    // Rendered and read back: the same settings (what `profile export` writes is readable).
    const back = parseProfileText(renderProfile(profile), profile.name, "x.toml");
    assertEquals({ ...back.settings }, profile.settings);
    const json = parseProfileText(renderProfileJson(profile), profile.name, "x.json");
    assertEquals({ ...json.settings }, profile.settings);
  }
});

Deno.test("parseProfileText() reads profile files and plain config files, and refuses bad ones", () => {
  const profile = parseProfileText(
    'version = 1\ndescription = "team"\n[settings]\nbackend = "uv"\n[settings.performance]\nparallel_downloads = 4\n',
    "team",
    "team.toml",
  );
  assertEquals(profile.description, "team");
  assertEquals({ ...profile.settings }, { backend: "uv", "performance.parallel_downloads": 4 });
  // A config.toml: its keys, aliases resolved (`[general] preferred_backend` is `backend`).
  const plain = parseProfileText(
    '[general]\npreferred_backend = "pip"\n[ui]\ntable_format = "ascii"\n',
    "p",
    "config.toml",
  );
  assertEquals({ ...plain.settings }, { backend: "pip", "ui.table_format": "ascii" });
  const bad: Array<[string, string]> = [
    ["[settings]\nparallel_downlods = 3\n", "did you mean `performance.parallel_downloads`"],
    ['[settings]\nbackend = "conda"\n', "backend"],
    ['[settings]\nenvironments_path = "/x"\n', "cannot be set by a profile"],
    // Hooks are the user's: a profile would replace config.toml's hooks of the same event.
    ['[settings.hooks]\npre_install = "./check.sh"\n', "`hooks.pre_install` cannot be set"],
    ['[hooks]\npost_create = ["a", "b"]\n', "`hooks.post_create` cannot be set"],
    ['[settings.hooks]\npre_delete = { command = "x", timeout = 5 }\n', "hooks.pre_delete"],
    ["[settings.hooks]\ntimeout = 5\n", "`hooks.timeout` cannot be set"],
    ["version = 2\n[settings]\n", "format version 2"],
    ["version = 1\nextra = 1\n", "Unknown entry `extra`"],
    ["[settings\n", "not valid TOML"],
    ["[performance]\nmax_retries = 99\n", "Invalid number"],
  ];
  for (const [text, message] of bad) {
    assertThrows(() => parseProfileText(text, "x", "x.toml"), ConfigError, message);
  }
});

Deno.test("profile names are checked: no paths, no reserved `none`", () => {
  for (const name of ["team", "ci-fast", "a_1"]) assertEquals(checkProfileName(name), name);
  for (const name of ["../x", "Team", "", "none", "a/b", "-x", "x".repeat(65)]) {
    assertThrows(() => checkProfileName(name), ConfigError, "not a valid profile name");
  }
});

Deno.test("user profiles are saved, listed after the built-ins, and loaded as the active one", async () => {
  const home = await tempHome();
  try {
    await saveProfile(home, {
      name: "team",
      description: "ours",
      settings: { auto_sync: true, "ui.table_format": "rounded" },
      kind: "user",
      file: undefined,
    });
    await assertRejects(
      () => saveProfile(home, { ...BUILTIN_PROFILES.get("dev")!, kind: "user" }),
      ConfigError,
      "built-in",
    );
    // A file that is no profile name is not listed; a broken one is an error when loaded.
    await Deno.writeTextFile(`${home.root}/profiles/Notes.txt`, "x");
    const names = (await listProfiles(home)).map((p) => `${p.name}:${p.kind}`);
    assertEquals(names, [
      "dev:builtin",
      "prod:builtin",
      "secure:builtin",
      "fast:builtin",
      "team:user",
    ]);
    assertEquals((await loadProfile(home, "team")).settings["ui.table_format"], "rounded");
    const missing = await assertRejects(() => loadProfile(home, "nope"), ConfigError, "`nope`");
    assertEquals(
      (missing as ConfigError).hint?.startsWith("Known profiles: dev, prod, secure, fast, team"),
      true,
    );

    const none = () => undefined;
    assertEquals(await loadActiveProfile(home, {}, none), undefined);
    const layer = await loadActiveProfile(home, { active_profile: "team" }, none);
    assertEquals(layer?.name, "team");
    // GESTVENV_PROFILE wins; `none` turns the profile off.
    const vars = (v: string) => (n: string) => n === "GESTVENV_PROFILE" ? v : undefined;
    assertEquals(
      (await loadActiveProfile(home, { active_profile: "team" }, vars("fast")))?.name,
      "fast",
    );
    assertEquals(
      await loadActiveProfile(home, { active_profile: "team" }, vars("none")),
      undefined,
    );
  } finally {
    await Deno.remove(home.root, { recursive: true });
  }
});

Deno.test("a profile sits between the user configuration and the project", () => {
  const home = {
    root: "/h",
    configFile: "/h/config.toml",
    registryFile: "/h/environments.json",
    environmentsDir: "/h/environments",
    cacheDir: "/h/cache",
    locksDir: "/h/locks",
  };
  const none = () => undefined;
  const profile = {
    name: "fast",
    settings: { backend: "native", "performance.parallel_downloads": 16, auto_sync: true },
    origin: "built-in",
  } as const;
  const config = { backend: "pip", "performance.parallel_downloads": 2, lock_timeout: 9 } as const;
  const s = resolveSettings(home, config, { env: none, profile });
  assertEquals(s.backend, { value: "native", source: "profile", origin: "fast" });
  assertEquals(s.parallelDownloads, { value: 16, source: "profile", origin: "fast" });
  // Keys the profile does not name still come from config.toml.
  assertEquals(s.lockTimeoutMs, { value: 9000, source: "config", origin: "lock_timeout" });
  // The project beats the profile; a variable beats both; a flag beats everything.
  const project = { backend: "uv", auto_sync: false } as const;
  const p = resolveSettings(home, config, { env: none, profile, project });
  assertEquals([p.backend.source, p.backend.value], ["project", "uv"]);
  assertEquals([p.autoSync.source, p.autoSync.value], ["project", false]);
  const e = resolveSettings(home, config, {
    env: (n) => n === "GESTVENV_BACKEND" ? "pip" : undefined,
    profile,
    project,
  });
  assertEquals([e.backend.source, e.backend.value], ["env", "pip"]);
  const f = resolveSettings(home, config, {
    env: none,
    profile,
    project,
    flags: { backend: "uv" },
  });
  assertEquals(f.backend.source, "flag");
});

Deno.test("suggestConfigKey() finds typos and bare names of table keys", () => {
  assertEquals(suggestConfigKey("parallel_downlods"), "performance.parallel_downloads");
  assertEquals(suggestConfigKey("backnd"), "backend");
  assertEquals(suggestConfigKey("max_size"), "cache.max_size");
  assertEquals(suggestConfigKey("color"), undefined);
  // Every key is its own best suggestion.
  for (const key of Object.keys(CONFIG_KEYS)) assertEquals(suggestConfigKey(key), key);
});

Deno.test("the secure and prod profiles set the security keys, labelled as the profile's", async () => {
  const home = await tempHome();
  try {
    const none = () => undefined;
    const vars = (v: string) => (n: string) => n === "GESTVENV_PROFILE" ? v : undefined;
    const secure = await loadActiveProfile(home, {}, vars("secure"));
    const s = resolveSettings(home, {}, { env: none, profile: secure });
    assertEquals(s.securityMode.value, "strict");
    assertEquals([s.securityMode.source, s.securityMode.origin], ["profile", "secure"]);
    assertEquals(s.requireHashes.value, true, "strict mode requires hashes");
    assertEquals(
      s.allowedSources.value?.rules.map((r) => r.entry),
      ["pypi.org", "files.pythonhosted.org"],
    );
    const prod = await loadActiveProfile(home, {}, vars("prod"));
    const p = resolveSettings(home, {}, { env: none, profile: prod });
    assertEquals([p.requireHashes.value, p.requireHashes.source], [true, "profile"]);
    assertEquals(p.securityMode.value, "default");
  } finally {
    await Deno.remove(home.root, { recursive: true });
  }
});
