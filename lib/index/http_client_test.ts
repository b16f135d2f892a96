import {
  assert,
  assertEquals,
  assertRejects,
  assertStringIncludes,
} from "../../tests/helpers/assert.ts";
import { serveBadIndex } from "../../tests/helpers/bad_index.ts";
import { buildWheel } from "../../tests/helpers/build_wheel.ts";
import { DistributionError, NetworkError, PackageNotFoundError } from "../errors/mod.ts";
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

Deno.test("a misbehaving server is a NetworkError naming the URL: 500, reset, a body cut halfway", async () => {
  await using index = serveBadIndex([buildWheel({ name: "demo", version: "1.0" })]);
  const client = new HttpClient({ backoffMs: 5 });
  const url = index.url.replace("http://", "http://user:secret@");
  for (const behavior of [{ status: 500 }, "reset", "truncate"] as const) {
    index.behave();
    index.misbehave(behavior);
    const before = index.count();
    const error = await assertRejects(
      () => client.request(`${url}/demo/`),
      NetworkError,
      `${index.url}/demo/`,
    ) as NetworkError;
    assertEquals(error.exitCode, 5);
    assertEquals(error.message.includes("secret"), false, error.message);
    assertEquals(index.count() - before, 4, `${JSON.stringify(behavior)}: 1 attempt + 3 retries`);
  }
  index.behave();
  index.misbehave({ status: 503 }, { times: 1 });
  index.misbehave("reset", { times: 1 });
  const page = await client.request(`${index.url}/demo/`);
  assertEquals(page.status, 200);
});

Deno.test("429 with Retry-After is waited for, then retried", async () => {
  await using index = serveBadIndex([buildWheel({ name: "demo", version: "1.0" })]);
  index.misbehave({ status: 429, retryAfter: 1 }, { times: 1 });
  const client = new HttpClient({ backoffMs: 5 });
  const start = performance.now();
  const page = await client.request(`${index.url}/demo/`);
  assertEquals([page.status, index.count()], [200, 2]);
  assert(performance.now() - start >= 900, "Retry-After: 1 must be honoured");
});

Deno.test("a server that never answers times out (connect), twice at most, naming the setting", async () => {
  await using index = serveBadIndex([], { hangMs: 5000 });
  index.misbehave("hang");
  const client = new HttpClient({ backoffMs: 5, connectTimeoutMs: 200 });
  const start = performance.now();
  const error = await assertRejects(
    () => client.request(`${index.url}/demo/`),
    NetworkError,
    `Cannot fetch ${index.url}/demo/: no answer within 0.2 s`,
  ) as NetworkError;
  assert(performance.now() - start < 3000, "two timeouts, not minutes");
  assertEquals(index.count(), 2, "a timed-out request is retried once");
  assertStringIncludes(error.hint ?? "", "GESTVENV_HTTP_CONNECT_TIMEOUT, now 0.2 s");
});

Deno.test("a body that stops arriving times out (read), while a slow steady body does not", async () => {
  await using index = serveBadIndex([buildWheel({ name: "demo", version: "1.0" })]);
  index.misbehave("stall");
  const client = new HttpClient({ backoffMs: 5, readTimeoutMs: 200 });
  const error = await assertRejects(
    () => client.request(`${index.url}/demo/`),
    NetworkError,
    "the answer stopped arriving for 0.2 s",
  ) as NetworkError;
  assertStringIncludes(error.hint ?? "", "GESTVENV_HTTP_READ_TIMEOUT");
  // A body sent in pieces 100 ms apart for 1.2 s in all is fine with a 600 ms read timeout.
  const s = serve(() => {
    let sent = 0;
    return new Response(
      new ReadableStream({
        async pull(controller) {
          await new Promise((r) => setTimeout(r, 100));
          controller.enqueue(new TextEncoder().encode("x"));
          if (++sent === 12) controller.close();
        },
      }),
    );
  });
  try {
    const steady = new HttpClient({ backoffMs: 5, readTimeoutMs: 600, retries: 0 });
    const res = await steady.request(`${s.url}/slow`);
    assertEquals(new TextDecoder().decode(res.body), "x".repeat(12));
  } finally {
    await s.close();
  }
});

Deno.test("maxBytes stops reading a body past the bound, with a DistributionError", async () => {
  const s = serve(() => new Response("y".repeat(5000)));
  try {
    const client = new HttpClient({ backoffMs: 5 });
    await assertRejects(
      () => client.request(`${s.url}/big.metadata`, { maxBytes: 1000 }),
      DistributionError,
      "sent more than 1000 bytes",
    );
    assertEquals(client.requestCount, 1, "not retried");
    assertEquals((await client.request(`${s.url}/ok`, { maxBytes: 5000 })).body.length, 5000);
  } finally {
    await s.close();
  }
});
