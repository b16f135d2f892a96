import { assertEquals, assertRejects } from "../../tests/helpers/assert.ts";
import { NetworkError, PackageNotFoundError } from "../errors/mod.ts";
import { HttpClient, parseNetrc, redactUrl } from "./mod.ts";

function serve(handler: (req: Request, n: number) => Response) {
  let n = 0;
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (req) => handler(req, n++),
  );
  return {
    url: `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}`,
    close: () => server.shutdown(),
  };
}

Deno.test("retries 503 and 429 with back-off, then succeeds", async () => {
  const s = serve((_req, n) =>
    n < 2 ? new Response("busy", { status: n === 0 ? 503 : 429 }) : new Response("ok")
  );
  try {
    const client = new HttpClient({ backoffMs: 5 });
    const res = await client.request(`${s.url}/x`);
    assertEquals(new TextDecoder().decode(res.body), "ok");
    assertEquals(client.requestCount, 3);
  } finally {
    await s.close();
  }
});

Deno.test("404 and 403 fail at once with the URL, credentials removed", async () => {
  const s = serve((req) =>
    new Response("no", { status: req.url.endsWith("/missing") ? 404 : 403 })
  );
  try {
    const client = new HttpClient({ backoffMs: 5 });
    const url = s.url.replace("http://", "http://user:secret@");
    const missing = await assertRejects(
      () => client.request(`${url}/missing`),
      PackageNotFoundError,
    );
    assertEquals(missing.message.includes("secret"), false);
    const denied = await assertRejects(
      () => client.request(`${url}/private`),
      NetworkError,
      "HTTP 403",
    );
    assertEquals(denied.message.includes("secret"), false);
    assertEquals(client.requestCount, 2);
  } finally {
    await s.close();
  }
});

Deno.test("credentials come from the URL or from netrc, as HTTP Basic", async () => {
  const seen: (string | null)[] = [];
  const s = serve((req) => {
    seen.push(req.headers.get("authorization"));
    return new Response("ok");
  });
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/netrc`,
      "machine 127.0.0.1\n  login alice\n  password s3cret\n",
    );
    const client = new HttpClient({ env: (n) => (n === "NETRC" ? `${dir}/netrc` : undefined) });
    await client.request(`${s.url}/a`);
    await client.request(`${s.url.replace("http://", "http://bob:pw@")}/b`);
    assertEquals(seen, [`Basic ${btoa("alice:s3cret")}`, `Basic ${btoa("bob:pw")}`]);
  } finally {
    await s.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("netrc parsing and URL redaction", () => {
  const netrc = parseNetrc(
    "machine a.example login u password p\ndefault login d password q # note\n",
  );
  assertEquals(netrc.get("a.example"), { login: "u", password: "p" });
  assertEquals(netrc.get(""), { login: "d", password: "q" });
  assertEquals(redactUrl("https://user:tok@host/simple/"), "https://host/simple/");
});

Deno.test("offline refuses the network", async () => {
  await assertRejects(
    () => new HttpClient({ offline: true }).request("http://127.0.0.1:9/"),
    NetworkError,
    "--offline",
  );
});
