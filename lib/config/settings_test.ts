import { assertEquals, assertRejects, assertThrows } from "../../tests/helpers/assert.ts";
import { ConfigError } from "../errors/mod.ts";
import { type GestvenvConfig, validateConfig } from "./config_schema.ts";
import type { HomeLayout } from "../paths/mod.ts";
import { httpTimeouts, resolveSettings } from "./settings.ts";

const home: HomeLayout = {
  root: "/h",
  configFile: "/h/config.toml",
  registryFile: "/h/environments.json",
  environmentsDir: "/h/environments",
  cacheDir: "/h/cache",
  locksDir: "/h/locks",
};

Deno.test("resolveSettings() applies flags > GESTVENV_* > config file > defaults", () => {
  const none = () => undefined;
  const vars = (map: Record<string, string>) => (name: string) => map[name];
  assertEquals(resolveSettings(home, {}, { env: none }).backend.value, "auto");
  assertEquals(resolveSettings(home, { backend: "pip" }, { env: none }).backend.value, "pip");
  assertEquals(
    resolveSettings(home, { backend: "pip" }, { env: vars({ GESTVENV_BACKEND: "uv" }) }).backend
      .value,
    "uv",
  );
  assertEquals(
    resolveSettings(home, {}, { env: vars({ GESTVENV_BACKEND: "uv" }), flags: { backend: "pip" } })
      .backend.value,
    "pip",
  );
  assertEquals(
    resolveSettings(home, { default_python: "3.11" }, { env: vars({ GESTVENV_PYTHON: "3.12" }) })
      .python.value,
    "3.12",
  );
  assertEquals(
    resolveSettings(home, { environments_path: "/elsewhere" }, { env: none }).environmentsDir
      .value,
    "/elsewhere",
  );
  assertEquals(resolveSettings(home, {}, { env: none }).environmentsDir.value, "/h/environments");
  const settings = resolveSettings(home, { extra_index_urls: ["a"], index_url: "c" }, {
    env: none,
    flags: { extraIndexUrls: ["b"] },
  });
  assertEquals(settings.indexUrl.value, "c");
  assertEquals(settings.extraIndexUrls.value, ["b"]);
  assertEquals(settings.findLinks.value, []);
});

Deno.test("resolveSettings() records where every value comes from", () => {
  const vars = (map: Record<string, string>) => (name: string) => map[name];
  const settings = resolveSettings(home, {
    backend: "pip",
    default_python: "3.11",
    find_links: ["/wheels"],
    lock_timeout: 5,
  }, {
    env: vars({ GESTVENV_PYTHON: "3.12", GESTVENV_HTTP_READ_TIMEOUT: "7" }),
    flags: { backend: "uv", indexUrl: "https://flag/simple" },
  });
  const sources = Object.fromEntries(
    Object.entries(settings).map(([key, s]) => [key, [s.source, s.origin]]),
  );
  assertEquals(sources, {
    backend: ["flag", "--backend"],
    python: ["env", "GESTVENV_PYTHON"],
    environmentsDir: ["default", "default"],
    indexUrl: ["flag", "--index-url"],
    extraIndexUrls: ["default", "default"],
    findLinks: ["config", "find_links"],
    uvPath: ["default", "default"],
    lockTimeoutMs: ["config", "lock_timeout"],
    httpConnectTimeoutMs: ["default", "default"],
    httpReadTimeoutMs: ["env", "GESTVENV_HTTP_READ_TIMEOUT"],
    cacheDir: ["default", "default"],
    compileBytecode: ["default", "default"],
    linkMode: ["default", "default"],
    offline: ["default", "default"],
    useCache: ["default", "default"],
    fallbackToOnline: ["default", "default"],
    cacheAutoCleanup: ["default", "default"],
    cacheMaxSize: ["default", "default"],
    cacheMaxAgeDays: ["default", "default"],
    logsRetentionDays: ["default", "default"],
    cacheCompression: ["default", "default"],
    autoSync: ["default", "default"],
    // issue 12 §1
    auditOsvUrl: ["default", "default"],
    showProgress: ["default", "default"],
    emoji: ["default", "default"],
    parallelDownloads: ["default", "default"],
    maxRetries: ["default", "default"],
    colorScheme: ["default", "default"],
    tableFormat: ["default", "default"],
    progressStyle: ["default", "default"],
    checkUpdatesOnActivate: ["default", "default"],
    operationTimeoutMs: ["default", "default"],
    fallbackBackend: ["default", "default"],
    requireSignatures: ["default", "default"],
    profile: ["default", "default"],
    securityMode: ["default", "default"],
    allowedSources: ["default", "default"],
    requireHashes: ["default", "default"],
    // issue 12 §4
    globalHooks: ["default", "default"],
    hookTimeoutMs: ["default", "default"],
  });
  assertEquals(settings.lockTimeoutMs.value, 5000);
  assertEquals(settings.httpReadTimeoutMs.value, 7000);
  const waiting = resolveSettings(home, { lock_timeout: 5 }, {
    env: () => undefined,
    flags: { wait: true },
  });
  assertEquals(waiting.lockTimeoutMs, { value: undefined, source: "flag", origin: "--wait" });
});

Deno.test("resolveSettings() reads the HTTP timeouts: GESTVENV_HTTP_* > config file, in seconds", async () => {
  const vars = (map: Record<string, string>) => (name: string) => map[name];
  const http = (config: GestvenvConfig, env: Record<string, string> = {}) =>
    httpTimeouts(resolveSettings(home, config, { env: vars(env) }));
  assertEquals(http({}), { connectTimeoutMs: undefined, readTimeoutMs: undefined, retries: 3 });
  assertEquals(http({ http_connect_timeout: 5, http_read_timeout: "2.5" }), {
    connectTimeoutMs: 5000,
    readTimeoutMs: 2500,
    retries: 3,
  });
  assertEquals(
    http({ http_read_timeout: 60 }, {
      GESTVENV_HTTP_READ_TIMEOUT: "7",
      GESTVENV_HTTP_CONNECT_TIMEOUT: "1",
    }),
    { connectTimeoutMs: 1000, readTimeoutMs: 7000, retries: 3 },
  );
  for (const bad of ["0", "-1", "soon", "1e9"]) {
    await assertRejects(
      () => Promise.resolve().then(() => http({}, { GESTVENV_HTTP_READ_TIMEOUT: bad })),
      ConfigError,
      "GESTVENV_HTTP_READ_TIMEOUT",
    );
  }
});

Deno.test("resolveSettings() takes pip's index configuration per key, below gestvenv's own", () => {
  const pip = {
    indexUrl: "https://pip/simple",
    extraIndexUrls: ["https://pip-extra/simple"],
    findLinks: ["/pip-wheels"],
  };
  const settings = resolveSettings(home, { index_url: "https://own/simple", find_links: [] }, {
    env: () => undefined,
    pip,
  });
  assertEquals(settings.indexUrl, {
    value: "https://own/simple",
    source: "config",
    origin: "index_url",
  });
  assertEquals(settings.extraIndexUrls, {
    value: ["https://pip-extra/simple"],
    source: "pip",
    origin: "extra-index-url",
  });
  // An empty list counts as unset: pip's list applies.
  assertEquals(settings.findLinks, { value: ["/pip-wheels"], source: "pip", origin: "find-links" });
  assertEquals(resolveSettings(home, {}, { env: () => undefined }).indexUrl.source, "default");
});

Deno.test("resolveSettings(): the security keys come from the user's file only; strict mode turns hashes and a source list on", () => {
  const file = home.configFile;
  const none = resolveSettings(home, {}, { env: () => undefined });
  assertEquals([none.securityMode.value, none.allowedSources.value, none.requireHashes.value], [
    "default",
    undefined,
    false,
  ]);
  const listed = resolveSettings(home, { "security.allowed_sources": ["pypi.org", "*.corp"] }, {
    env: () => undefined,
    project: { "security.allowed_sources": ["evil.example"] } as GestvenvConfig,
  });
  assertEquals(listed.allowedSources.value?.rules.map((r) => r.entry), ["pypi.org", "*.corp"]);
  assertEquals(listed.allowedSources.origin, `security.allowed_sources (${file})`);
  const strict = resolveSettings(home, {
    "security.mode": "strict",
    index_url: "https://mirror.example/simple",
    find_links: ["/srv/wheels"],
  }, { env: () => undefined });
  assertEquals(strict.requireHashes, {
    value: true,
    source: "config",
    origin: `security.mode (${file})`,
  });
  assertEquals(strict.allowedSources.value?.rules.map((r) => r.entry), [
    "pypi.org",
    "files.pythonhosted.org",
    "https://mirror.example/simple",
    "file:/srv/wheels",
  ]);
  assertEquals(
    resolveSettings(home, { "security.require_hashes": "yes" }, { env: () => undefined })
      .requireHashes.value,
    true,
  );
});

Deno.test("resolveSettings(): global hooks and their timeout come from the user's configuration only", () => {
  const settings = resolveSettings(home, {
    "hooks.post_create": ["./setup.sh", { command: "./slow.sh", timeout: 5, name: "slow" }],
    "hooks.pre_run": "make check",
    "hooks.timeout": 30,
  }, { env: () => undefined, project: { "hooks.timeout": 1 } as GestvenvConfig });
  assertEquals(settings.globalHooks.value, {
    post_create: ["./setup.sh", { command: "./slow.sh", timeout: 5, name: "slow" }],
    pre_run: ["make check"],
  });
  assertEquals(settings.globalHooks.source, "config");
  assertEquals(settings.hookTimeoutMs, {
    value: 30_000,
    source: "config",
    origin: "hooks.timeout",
  });
  assertEquals(resolveSettings(home, {}, { env: () => undefined }).hookTimeoutMs.value, 60_000);
  assertThrows(
    () => validateConfig({ "hooks.post_sync": [{ command: "x", timeout: -1 }] }, "config.toml"),
    ConfigError,
    "Invalid hook in `hooks.post_sync` of config.toml",
  );
  assertThrows(
    () => validateConfig({ "hooks.post_sync": [{ command: "x", shell: "bash" }] }, "config.toml"),
    ConfigError,
  );
});
