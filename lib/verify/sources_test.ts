import { assertEquals, assertStringIncludes } from "../../tests/helpers/assert.ts";
import { configuredIndexRule, isAllowedUrl, sourceProblem, type SourceRule } from "./sources.ts";

Deno.test("isAllowedUrl: hosts match exactly (any case), URL prefixes only at a `/` boundary", () => {
  const allowed = ["pypi.org", "files.pythonhosted.org", "https://internal.example/simple"];
  assertEquals(isAllowedUrl("https://PyPI.org/simple/six/", allowed), true);
  assertEquals(isAllowedUrl("https://evil-pypi.org/simple/", allowed), false);
  assertEquals(isAllowedUrl("https://pypi.org.evil.example/simple/", allowed), false);
  assertEquals(isAllowedUrl("https://internal.example/simple/six/", allowed), true);
  assertEquals(isAllowedUrl("https://INTERNAL.example/simple", allowed), true);
  assertEquals(isAllowedUrl("https://internal.example/simple-evil/six/", allowed), false);
  assertEquals(isAllowedUrl("not a url", allowed), false);
});

Deno.test("sourceProblem: a host list checks the index and the file host; configured indexes let files follow their index", () => {
  const hosts: SourceRule = {
    allowed: ["pypi.org"],
    rule: "security.allowed_sources",
    filesFollowIndex: false,
  };
  const fromPypi = {
    kind: "lock" as const,
    index: "https://pypi.org/simple",
    url: "https://files.pythonhosted.org/packages/x/six-1.17.0-py3-none-any.whl",
  };
  assertStringIncludes(sourceProblem(fromPypi, hosts)!, "downloaded from https://files.python");
  assertEquals(
    sourceProblem(fromPypi, { ...hosts, allowed: ["pypi.org", "files.pythonhosted.org"] }),
    null,
  );
  const configured = configuredIndexRule(undefined, [], []);
  assertEquals(configured.allowed, ["https://pypi.org/simple"]);
  assertEquals(sourceProblem(fromPypi, configured), null);
  const other = { ...fromPypi, index: "https://mirror.example/simple" };
  assertStringIncludes(sourceProblem(other, configured)!, "listed by the index https://mirror");
  assertStringIncludes(
    sourceProblem({ kind: "unknown", index: null, url: null }, configured)!,
    "not recorded",
  );
  const direct = { kind: "direct_url" as const, index: null, url: "https://x.example/a.whl" };
  assertStringIncludes(sourceProblem(direct, configured)!, "installed from https://x.example");
  // find-links paths become file: URLs, and a local wheel under them is allowed.
  const links = configuredIndexRule("https://i.example/simple", [], ["/srv/wheels"]);
  assertEquals(links.allowed, ["https://i.example/simple", "file:///srv/wheels"]);
  assertEquals(
    sourceProblem({ ...direct, url: "file:///srv/wheels/a-1.0-py3-none-any.whl" }, links),
    null,
  );
});
