import { assertEquals, assertRejects, assertStringIncludes } from "../../tests/helpers/assert.ts";
import { join } from "../paths/mod.ts";
import { openCache, type PackageCache } from "../cache/mod.ts";
import { NetworkError } from "../errors/mod.ts";
import { parseRequirement } from "../pep508/mod.ts";
import { buildWheel } from "../../tests/helpers/build_wheel.ts";
import { publishArtifacts, selectArtifacts, shortText, uploadCredentials } from "./publish.ts";

async function cacheWith(names: [string, string][]): Promise<{ cache: PackageCache; dir: string }> {
  const dir = await Deno.makeTempDir({ prefix: "gestvenv-publish-" });
  const cache = await openCache(join(dir, "cache"));
  for (const [name, version] of names) {
    const wheel = buildWheel({ name, version });
    await Deno.writeFile(join(dir, wheel.filename), wheel.bytes);
    await cache.addArtifact(join(dir, wheel.filename), {
      filename: wheel.filename,
      project: name,
      version,
      origin: "test",
    });
  }
  return { cache, dir };
}

/** An upload server answering per project name (`status` and body), recording what it got. */
function uploadServer(answers: Record<string, [number, string, Record<string, string>?]>) {
  const received: { name: string; auth: string | null; digest: string; size: number }[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const form = await req.formData();
    const name = String(form.get("name"));
    const file = form.get("content") as File;
    received.push({
      name,
      auth: req.headers.get("authorization"),
      digest: String(form.get("sha256_digest")),
      size: file.size,
    });
    const [status, body, headers] = answers[name] ?? [200, "OK"];
    return new Response(body, { status, headers: headers ?? {} });
  });
  return { url: `http://127.0.0.1:${server.addr.port}/legacy/`, received, server };
}

Deno.test("publishArtifacts: uploaded, already there (409, PyPI's 400), refused (500) are told apart", async () => {
  const { cache, dir } = await cacheWith([["aaa", "1.0"], ["bbb", "1.0"], ["ccc", "1.0"], [
    "ddd",
    "1.0",
  ]]);
  const { url, received, server } = uploadServer({
    bbb: [409, "Conflict"],
    ccc: [400, "400 File already exists. See https://pypi.org/help/#file-name-reuse"],
    ddd: [
      500,
      "<html><head><title>500 Internal Server Error</title><style>x{}</style></head></html>",
    ],
  });
  try {
    const rows = await cache.list();
    const result = await publishArtifacts(cache, rows, {
      url,
      credentials: { username: "ann", password: "pässword" },
    });
    assertEquals(result.outcomes.map((o) => [o.artifact.project, o.status]), [
      ["aaa", "uploaded"],
      ["bbb", "present"],
      ["ccc", "present"],
      ["ddd", "failed"],
    ]);
    assertEquals([result.uploaded, result.present, result.failed], [1, 2, 1]);
    assertEquals(result.outcomes[3]!.reason, "500 500 Internal Server Error");
    assertEquals(result.uploadedBytes, rows[0]!.size);
    // Credentials as UTF-8 Basic auth; each file's digest and bytes are the cached ones.
    const expected = "Basic " +
      btoa(String.fromCharCode(...new TextEncoder().encode("ann:pässword")));
    assertEquals(received.map((r) => r.auth), rows.map(() => expected));
    assertEquals(received.map((r) => r.digest), rows.map((r) => r.sha256));
    assertEquals(received.map((r) => r.size), rows.map((r) => r.size));
  } finally {
    await server.shutdown();
    cache.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("publishArtifacts: 401 and redirects stop with a NetworkError and a hint", async () => {
  const { cache, dir } = await cacheWith([["aaa", "1.0"]]);
  const denied = uploadServer({ aaa: [401, "Unauthorized"] });
  const moved = uploadServer({ aaa: [301, "", { location: "https://elsewhere.example/legacy/" }] });
  try {
    const rows = await cache.list();
    const error = await assertRejects(
      () => publishArtifacts(cache, rows, { url: denied.url, env: () => undefined }),
      NetworkError,
    );
    assertStringIncludes((error as NetworkError).hint ?? "", "TWINE_USERNAME");
    const redirected = await assertRejects(
      () => publishArtifacts(cache, rows, { url: moved.url, env: () => undefined }),
      NetworkError,
    );
    assertStringIncludes(redirected.message, "https://elsewhere.example/legacy/");
    await assertRejects(
      () => publishArtifacts(cache, rows, { url: "http://127.0.0.1:1/", env: () => undefined }),
      NetworkError,
    );
  } finally {
    await denied.server.shutdown();
    await moved.server.shutdown();
    cache.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("selectArtifacts: by normalized name and version specifier; all without requirements", () => {
  const row = (project: string, version: string) => ({
    sha256: `${project}${version}`,
    filename: `${project}-${version}.tar.gz`,
    project,
    version,
    tags: null,
    size: 1,
    origin: null,
    added: 0,
    lastUsed: 0,
  });
  const rows = [row("demo-pkg", "1.0"), row("demo-pkg", "2.0"), row("other", "1.0"), row("", "")];
  const pick = (...reqs: string[]) =>
    selectArtifacts(rows, reqs.map((r) => parseRequirement(r))).map((r) =>
      `${r.project} ${r.version}`
    );
  assertEquals(pick(), ["demo-pkg 1.0", "demo-pkg 2.0", "other 1.0"]);
  assertEquals(pick("Demo_Pkg"), ["demo-pkg 1.0", "demo-pkg 2.0"]);
  assertEquals(pick("demo-pkg>=2"), ["demo-pkg 2.0"]);
  assertEquals(pick("demo-pkg<1", "other"), ["other 1.0"]);
});

Deno.test("uploadCredentials: given, then TWINE_*, then the URL's, then netrc", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const netrc = join(dir, "netrc");
    await Deno.writeTextFile(netrc, "machine idx.example login nina password fromnetrc\n");
    const env = (vars: Record<string, string>) => (name: string) => vars[name];
    const url = "https://idx.example/legacy/";
    assertEquals(
      await uploadCredentials(url, { username: "u", password: "p" }, env({ NETRC: netrc })),
      { username: "u", password: "p" },
    );
    assertEquals(
      await uploadCredentials(url, {}, env({ TWINE_USERNAME: "t", TWINE_PASSWORD: "tp" })),
      { username: "t", password: "tp" },
    );
    assertEquals(
      await uploadCredentials("https://a%40b:c@idx.example/", {}, env({ NETRC: netrc })),
      { username: "a@b", password: "c" },
    );
    assertEquals(await uploadCredentials(url, {}, env({ NETRC: netrc })), {
      username: "nina",
      password: "fromnetrc",
    });
    assertEquals(
      await uploadCredentials(url, { username: "nina" }, env({ NETRC: netrc })),
      { username: "nina", password: "fromnetrc" },
    );
    assertEquals(
      await uploadCredentials("https://other.example/", {}, env({ NETRC: netrc, HOME: dir })),
      undefined,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("shortText: an HTML error page becomes its title, long text is cut", () => {
  assertEquals(
    shortText("<html><title>403 Forbidden</title><body>…</body></html>"),
    "403 Forbidden",
  );
  assertEquals(shortText("plain\n  text"), "plain text");
  assertEquals(shortText("x".repeat(300)).length, 201);
});
