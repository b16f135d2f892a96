import { assert, assertEquals, assertRejects } from "../../tests/helpers/assert.ts";
import { buildWheel } from "../../tests/helpers/build_wheel.ts";
import { serveBadIndex } from "../../tests/helpers/bad_index.ts";
import { InterruptedError, PackageNotFoundError, UsageError } from "../errors/mod.ts";
import {
  ArtifactMismatchError,
  artifactUrlProblem,
  downloadToFile,
  fetchArtifact,
  fetchArtifacts,
  fileUrlToPath,
  HttpClient,
} from "./mod.ts";

const encoder = new TextEncoder();

async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

function serve(files: Record<string, Uint8Array>) {
  const seen: { path: string; auth: string | null }[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const path = new URL(req.url).pathname;
    seen.push({ path, auth: req.headers.get("authorization") });
    const body = files[path.slice(1)];
    return body === undefined ? new Response("no", { status: 404 }) : new Response(body.slice());
  });
  return {
    url: `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}`,
    seen,
    close: () => server.shutdown(),
  };
}

async function listDir(dir: string): Promise<string[]> {
  return (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();
}

Deno.test("fetchArtifact() downloads over http, verifies size and sha256, then writes the file", async () => {
  const good = encoder.encode("wheel bytes");
  const s = serve({ "a-1.0-py3-none-any.whl": good });
  const dir = await Deno.makeTempDir();
  try {
    const http = new HttpClient({ backoffMs: 1 });
    const spec = {
      label: "a 1.0",
      url: `${s.url}/a-1.0-py3-none-any.whl`,
      filename: "a-1.0-py3-none-any.whl",
      sha256: await sha256(good),
      size: good.length,
    };
    const fetched = await fetchArtifact(http, spec, dir);
    assertEquals(fetched.path, `${dir}/a-1.0-py3-none-any.whl`);
    assertEquals(await Deno.readFile(fetched.path), good);
    assertEquals((await Deno.stat(fetched.path)).mode! & 0o777, 0o600);

    const wrong = await assertRejects(
      () =>
        fetchArtifact(
          http,
          { ...spec, filename: "b-1.0-py3-none-any.whl", sha256: "0".repeat(64) },
          dir,
        ),
      ArtifactMismatchError,
      `sha256 mismatch for a 1.0 (${s.url}/a-1.0-py3-none-any.whl)`,
    ) as ArtifactMismatchError;
    assertEquals(wrong.exitCode, 5);
    assertEquals(wrong.code, "hash_mismatch");
    assertEquals(wrong.mismatches[0]!.actualSha256, spec.sha256);
    assertEquals(await listDir(dir), ["a-1.0-py3-none-any.whl"], "a mismatch writes nothing");

    const short = await assertRejects(
      () => fetchArtifact(http, { ...spec, filename: "c.whl", size: 3 }, dir),
      ArtifactMismatchError,
    );
    assert((short as ArtifactMismatchError).details!.includes("expected 3 bytes, got 11"));
  } finally {
    await s.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("fetchArtifact() reads file: URLs of regular files only", async () => {
  const dir = await Deno.makeTempDir();
  const out = await Deno.makeTempDir();
  try {
    const bytes = encoder.encode("local wheel");
    await Deno.writeFile(`${dir}/x-1.0-py3-none-any.whl`, bytes);
    await Deno.mkdir(`${dir}/y-1.0-py3-none-any.whl`);
    const http = new HttpClient({ offline: true });
    const spec = {
      label: "x 1.0",
      url: `file://${dir}/x-1.0-py3-none-any.whl`,
      filename: "x-1.0-py3-none-any.whl",
      sha256: await sha256(bytes),
    };
    const fetched = await fetchArtifact(http, spec, out);
    assertEquals(await Deno.readFile(fetched.path), bytes);
    await assertRejects(
      () =>
        fetchArtifact(http, {
          ...spec,
          url: `file://${dir}/y-1.0-py3-none-any.whl`,
          filename: "y-1.0-py3-none-any.whl",
        }, out),
      PackageNotFoundError,
      "is not a regular file",
    );
    await assertRejects(
      () => fetchArtifact(http, { ...spec, url: `file://${dir}/missing.whl`, filename: "m" }, out),
      PackageNotFoundError,
      "does not exist",
    );
    await assertRejects(
      () => fetchArtifact(http, { ...spec, filename: "../escape.whl" }, out),
      UsageError,
      "is not a file name",
    );
    await assertRejects(
      () => fetchArtifact(http, { ...spec, url: `file://${dir}/../etc/x.whl`, filename: "z" }, out),
      UsageError,
      "`.` or `..` segments",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("fetchArtifacts() verifies all before returning and reports every mismatch", async () => {
  const a = encoder.encode("aaa"), b = encoder.encode("bbb"), c = encoder.encode("ccc");
  const s = serve({ "a.whl": a, "b.whl": b, "c.whl": c });
  const dir = await Deno.makeTempDir();
  try {
    const http = new HttpClient({ backoffMs: 1 });
    const spec = async (n: string, bytes: Uint8Array, good = true) => ({
      label: n,
      url: `${s.url.replace("http://", "http://user:s3cret@")}/${n}.whl`,
      filename: `${n}.whl`,
      sha256: good ? await sha256(bytes) : "f".repeat(64),
    });
    const error = await assertRejects(
      async () =>
        fetchArtifacts(http, [
          await spec("a", a),
          await spec("b", b, false),
          await spec("c", c, false),
        ], dir),
      ArtifactMismatchError,
      "2 artifacts do not match the sha256 in the lock",
    ) as ArtifactMismatchError;
    assertEquals(error.mismatches.map((m) => m.spec.label), ["b", "c"]);
    assert(!`${error.message}\n${error.details}`.includes("s3cret"), "credentials never shown");
    assertEquals(s.seen.every((r) => r.auth === `Basic ${btoa("user:s3cret")}`), true);
    const ok = await fetchArtifacts(http, [await spec("b", b), await spec("c", c)], dir);
    assertEquals(ok.map((f) => f.spec.label), ["b", "c"]);
  } finally {
    await s.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("artifactUrlProblem() accepts http, https and plain file URLs only", () => {
  const ok = [
    "https://files.example/a-1.0-py3-none-any.whl",
    "http://127.0.0.1:8080/files/a.whl",
    "file:///srv/wheels/a.whl",
    "file://localhost/srv/a%20b.whl",
  ];
  for (const url of ok) assertEquals(artifactUrlProblem(url), null, url);
  const bad: Array<[string, string]> = [
    ["--index-url", "is not an http, https or file URL"],
    ["ftp://x.example/a.whl", "is not an http, https or file URL"],
    [
      "https://x.example/a.whl\n--index-url http://evil",
      "contains whitespace or control characters",
    ],
    ["https://x.example/a b.whl", "contains whitespace or control characters"],
    ["file:///srv/../etc/passwd", "is a file URL with `.` or `..` segments"],
    ["file:///srv\\..\\etc/passwd", "is a file URL with `.` or `..` segments"],
    ["file:///srv/%2E%2e/etc", "is a file URL with `.` or `..` segments"],
    ["file:///srv/a%2fb", "is a file URL with an encoded separator or NUL"],
    ["file:///srv/a%00b", "is a file URL with an encoded separator or NUL"],
    ["file://other.host/a.whl", "is a file URL on another host"],
    ["file:///a.whl?x=1", "is a file URL with a query"],
  ];
  for (const [url, problem] of bad) assertEquals(artifactUrlProblem(url), problem, url);
  assertEquals(fileUrlToPath("file:///srv/a%20b.whl"), "/srv/a b.whl");
});

Deno.test("downloadToFile() streams to disk while hashing and restarts the file on a retry", async () => {
  const wheel = buildWheel({ name: "demo", version: "1.0", moduleSource: "x = 1\n".repeat(5000) });
  await using index = serveBadIndex([wheel]);
  // The first answer stops halfway; the retry must not append to what it left.
  index.misbehave("truncate", { path: /\.whl$/, times: 1 });
  const dir = await Deno.makeTempDir();
  try {
    const progress: number[] = [];
    const url = `${index.url.replace(/\/simple$/, "")}/files/${wheel.filename}`;
    const written = await downloadToFile(
      new HttpClient({ retries: 2, backoffMs: 1 }),
      url,
      `${dir}/out.whl`,
      { onProgress: (n) => progress.push(n) },
    );
    assertEquals(written, { sha256: wheel.sha256, size: wheel.bytes.length });
    assertEquals(await Deno.readFile(`${dir}/out.whl`), wheel.bytes);
    assertEquals(index.count(/\.whl$/), 2);
    assert(progress.includes(0) && progress.at(-1) === wheel.bytes.length, String(progress));
    // An aborted transfer leaves no file; Ctrl-C is an InterruptedError (exit 130).
    const controller = new AbortController();
    controller.abort("SIGINT");
    await assertRejects(
      () => downloadToFile(new HttpClient(), url, `${dir}/cut.whl`, { signal: controller.signal }),
      InterruptedError,
    );
    assertEquals(await listDir(dir), ["out.whl"]);
    // A failed download removes its partial file too.
    await assertRejects(
      () => downloadToFile(new HttpClient({ retries: 0 }), url + ".missing", `${dir}/gone.whl`),
      PackageNotFoundError,
    );
    assertEquals(await listDir(dir), ["out.whl"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
