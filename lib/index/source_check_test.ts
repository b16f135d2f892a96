import { assertEquals, assertRejects, assertThrows } from "../../tests/helpers/assert.ts";
import { parseAllowedSources } from "../config/mod.ts";
import { EXIT_CODE } from "../errors/mod.ts";
import { decideIndexes, HttpClient, SourceNotAllowedError } from "./mod.ts";

function serve(handler: (req: Request) => Response) {
  const seen: Array<{ url: string; authorization: string | null }> = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    seen.push({ url: req.url, authorization: req.headers.get("authorization") });
    return handler(req);
  });
  return {
    url: `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}`,
    host: `127.0.0.1:${(server.addr as Deno.NetAddr).port}`,
    seen,
    close: () => server.shutdown(),
  };
}

const origin = "security.allowed_sources (test)";

Deno.test("HttpClient with allowed sources: a URL outside is refused before any request", async () => {
  const s = serve(() => new Response("ok"));
  try {
    const client = new HttpClient({ allowedSources: parseAllowedSources(["pypi.org"], origin) });
    const error = await assertRejects(
      () => client.request(`http://alice:pw@${s.host}/simple/`),
      SourceNotAllowedError,
      `The URL http://${s.host}/simple/ is not an allowed source (${origin} allows pypi.org)`,
    );
    assertEquals((error as SourceNotAllowedError).exitCode, EXIT_CODE.GENERAL);
    assertEquals(error.message.includes("alice"), false);
    assertEquals([client.requestCount, s.seen.length], [0, 0]);
  } finally {
    await s.close();
  }
});

Deno.test("HttpClient with allowed sources: redirects are followed one by one, each target checked first", async () => {
  const target = serve(() => new Response("target"));
  const other = serve(() => new Response("never"));
  const redirector = serve((req) => {
    const path = new URL(req.url).pathname;
    if (path === "/ok") return Response.redirect(`${target.url}/landed`, 302);
    if (path === "/relative") {
      return new Response(null, { status: 301, headers: { location: "/ok" } });
    }
    return Response.redirect(`${other.url}/x`, 307);
  });
  try {
    const client = new HttpClient({
      allowedSources: parseAllowedSources([redirector.host, target.host], origin),
    });
    const ok = await client.request(`http://u:p@${redirector.host}/relative`);
    assertEquals(new TextDecoder().decode(ok.body), "target");
    assertEquals(ok.url, `${target.url}/landed`);
    // Credentials stay with their origin: the other host got no Authorization header.
    assertEquals(target.seen[0]!.authorization, null);
    assertEquals(redirector.seen[0]!.authorization !== null, true);
    await assertRejects(
      () => client.request(`${redirector.url}/elsewhere`),
      SourceNotAllowedError,
      `The redirect target ${other.url}/x is not an allowed source`,
    );
    assertEquals(other.seen.length, 0, "the refused target was never asked");
  } finally {
    await Promise.all([target.close(), other.close(), redirector.close()]);
  }
});

Deno.test("HttpClient with allowed sources: a redirect loop stops after 10", async () => {
  const s = serve((req) => Response.redirect(new URL("/again", req.url).href, 302));
  try {
    const client = new HttpClient({ allowedSources: parseAllowedSources([s.host], origin) });
    await assertRejects(
      () => client.request(`${s.url}/start`),
      Error,
      "redirects more than 10 times",
    );
    assertEquals(s.seen.length, 11);
  } finally {
    await s.close();
  }
});

Deno.test("decideIndexes(): configured locations outside the list are exit 10, a requirements file's exit 1", () => {
  const setting = <T>(value: T) => ({ value, source: "config" as const, origin: "test" });
  const settings = {
    indexUrl: setting<string | undefined>("https://mirror.example/simple"),
    extraIndexUrls: setting<string[]>([]),
    findLinks: setting<string[]>([]),
    allowedSources: setting(parseAllowedSources(["pypi.org", "file:/srv/wheels"], origin)),
  };
  const configured = assertThrows(
    () => decideIndexes(settings),
    SourceNotAllowedError,
    "The index https://mirror.example/simple",
  );
  assertEquals((configured as SourceNotAllowedError).exitCode, EXIT_CODE.CONFIG);
  const fromFile = assertThrows(
    () => decideIndexes(settings, { indexUrl: "https://pypi.org/simple", findLinks: ["/tmp/w"] }),
    SourceNotAllowedError,
    "The find-links location /tmp/w",
  );
  assertEquals((fromFile as SourceNotAllowedError).exitCode, EXIT_CODE.GENERAL);
  const decision = decideIndexes(settings, {
    indexUrl: "https://pypi.org/simple",
    findLinks: ["/srv/wheels/team"],
  });
  assertEquals(decision.indexUrls, ["https://pypi.org/simple"]);
  // `--no-index`: the configured index is not read, so not refused.
  assertEquals(decideIndexes(settings, { noIndex: true }).indexUrls, []);
});
