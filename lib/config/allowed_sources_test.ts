import { assertEquals, assertThrows } from "../../tests/helpers/assert.ts";
import { ConfigError } from "../errors/mod.ts";
import { allowingRule, parseAllowedSource, parseAllowedSources } from "./allowed_sources.ts";

const origin = "security.allowed_sources (test)";

Deno.test("parseAllowedSource(): hosts, host:port, wildcards, URLs reduced to their host, file: paths", () => {
  assertEquals(parseAllowedSource("PyPI.org", origin), {
    kind: "host",
    host: "pypi.org",
    wildcard: false,
    port: null,
    entry: "PyPI.org",
  });
  assertEquals(parseAllowedSource("internal.example:8443", origin).kind, "host");
  assertEquals(
    (parseAllowedSource("internal.example:8443", origin) as { port: number }).port,
    8443,
  );
  const wild = parseAllowedSource("*.example.com", origin) as { host: string; wildcard: boolean };
  assertEquals([wild.host, wild.wildcard], ["example.com", true]);
  const url = parseAllowedSource("https://user:pw@mirror.example:444/simple", origin) as {
    host: string;
    port: number;
  };
  assertEquals([url.host, url.port], ["mirror.example", 444]);
  assertEquals(parseAllowedSource("file:/srv/wheels/", origin), {
    kind: "path",
    path: "/srv/wheels",
    entry: "file:/srv/wheels/",
  });
  assertEquals(
    (parseAllowedSource("file:///srv/wheels", origin) as { path: string }).path,
    "/srv/wheels",
  );
  for (const bad of ["", "  ", "not a host", "host/path", "file:relative", "host:99999", "*."]) {
    assertThrows(() => parseAllowedSource(bad, origin), ConfigError, origin);
  }
});

Deno.test("allowingRule(): exact hosts, default ports, wildcards never the apex, paths at segment boundaries", () => {
  const sources = parseAllowedSources(
    ["pypi.org", "files.pythonhosted.org:443", "*.corp.example", "file:/srv/wheels"],
    origin,
  );
  const allowed = (location: string) => allowingRule(location, sources, () => "/home/a")?.entry;
  assertEquals(allowed("https://pypi.org/simple/flask/"), "pypi.org");
  assertEquals(allowed("http://pypi.org:8080/simple"), "pypi.org");
  assertEquals(allowed("https://user:secret@pypi.org/simple"), "pypi.org");
  assertEquals(allowed("https://PYPI.ORG/simple"), "pypi.org");
  assertEquals(allowed("https://pypi.org.evil.example/simple"), undefined);
  assertEquals(allowed("https://evilpypi.org/simple"), undefined);
  assertEquals(
    allowed("https://files.pythonhosted.org/packages/x.whl"),
    "files.pythonhosted.org:443",
  );
  assertEquals(allowed("http://files.pythonhosted.org/packages/x.whl"), undefined, "port 80");
  assertEquals(allowed("https://a.corp.example/simple"), "*.corp.example");
  assertEquals(allowed("https://a.b.corp.example/simple"), "*.corp.example");
  assertEquals(allowed("https://corp.example/simple"), undefined, "not the apex");
  assertEquals(allowed("git+https://a.corp.example/repo.git"), "*.corp.example");
  assertEquals(allowed("file:///srv/wheels/a-1-py3-none-any.whl"), "file:/srv/wheels");
  assertEquals(allowed("/srv/wheels"), "file:/srv/wheels");
  assertEquals(allowed("/srv/wheels-other/a.whl"), undefined, "a sibling with the same prefix");
  assertEquals(allowed("/srv/wheels/../secrets/a.whl"), undefined, "`..` is resolved first");
  assertEquals(allowed("wheels/a.whl"), undefined, "relative to the current directory");
  assertEquals(allowed("not a url"), undefined);
});

Deno.test("allowingRule(): file: URLs are decoded and normalised (`..`, `%2e%2e`) before matching", () => {
  const sources = parseAllowedSources(["file:/srv/wheels"], origin);
  const allowed = (location: string) => allowingRule(location, sources, () => "/home/a")?.entry;
  assertEquals(allowed("file:///srv/wheels/../other"), undefined);
  assertEquals(allowed("file:///srv/wheels/%2e%2e/other/a.whl"), undefined);
  assertEquals(allowed("file:///srv/wheels/%2E%2E/other"), undefined);
  assertEquals(allowed("file:/srv/wheels/./sub/../a.whl"), "file:/srv/wheels");
  assertEquals(allowed("file://localhost/srv/wheels/a%20b.whl"), "file:/srv/wheels");
});

Deno.test("allowingRule(): a symlink under an allowed directory that leads out of it is refused", () => {
  const work = Deno.realPathSync(Deno.makeTempDirSync());
  try {
    Deno.mkdirSync(`${work}/wheels`);
    Deno.mkdirSync(`${work}/other`);
    Deno.writeTextFileSync(`${work}/other/a-1-py3-none-any.whl`, "x");
    Deno.writeTextFileSync(`${work}/wheels/b-1-py3-none-any.whl`, "x");
    Deno.symlinkSync("../other", `${work}/wheels/link`);
    Deno.symlinkSync("b-1-py3-none-any.whl", `${work}/wheels/inside.whl`);
    const sources = parseAllowedSources([`file:${work}/wheels`], origin);
    const allowed = (location: string) => allowingRule(location, sources)?.entry;
    assertEquals(allowed(`file://${work}/wheels/link/a-1-py3-none-any.whl`), undefined);
    assertEquals(allowed(`${work}/wheels/link`), undefined);
    assertEquals(allowed(`${work}/wheels/inside.whl`), `file:${work}/wheels`, "a link inside");
    assertEquals(allowed(`${work}/wheels/b-1-py3-none-any.whl`), `file:${work}/wheels`);
    assertEquals(allowed(`${work}/wheels/not-yet`), `file:${work}/wheels`, "nothing to resolve");
  } finally {
    Deno.removeSync(work, { recursive: true });
  }
});
