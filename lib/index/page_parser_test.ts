import { assertEquals, assertRejects } from "../../tests/helpers/assert.ts";
import { NetworkError } from "../errors/mod.ts";
import {
  ByteBuilder,
  decodeFiles,
  encodeFiles,
  type IndexFile,
  LinesWriter,
  parseJsonPage,
  ProjectPage,
  SimplePageParser,
} from "./mod.ts";

const URL = "https://example.org/simple/demo/";

/** A PEP 691 page with the awkward parts: escapes, braces and brackets inside strings, extras. */
const PAGE = JSON.stringify({
  meta: { "api-version": "1.1", "_last-serial": 42 },
  name: "demo",
  versions: ["1.0", '2.0{["]}'],
  files: [
    {
      filename: "demo-1.0-py3-none-any.whl",
      url: "https://files.example.org/demo-1.0-py3-none-any.whl",
      hashes: { sha256: "a".repeat(64), md5: "x" },
      "requires-python": ">=3.8",
      yanked: false,
      "core-metadata": { sha256: "b".repeat(64) },
      size: 1234,
      "upload-time": "2024-01-01T00:00:00.000000Z",
      provenance: null,
    },
    {
      filename: "demo-2.0.tar.gz",
      url: "../../files/demo-2.0.tar.gz",
      hashes: {},
      yanked: 'broken: "quotes", \\backslashes\\, {braces} [brackets]\ttab\nnewline %25',
      "dist-info-metadata": true,
      nested: { deep: [{ a: "}" }, ["]"]] },
    },
    { filename: "Demo-3.0-py2.py3-none-any.whl", url: "https://x.example/é/Demo-3.0.whl" },
  ],
});

function parseInPieces(text: string, size: number, contentType: string | null): IndexFile[] {
  const bytes = new TextEncoder().encode(text);
  const files: IndexFile[] = [];
  const parser = new SimplePageParser(contentType, URL, (f) => files.push(f));
  for (let i = 0; i < bytes.length; i += size) parser.write(bytes.subarray(i, i + size));
  parser.end();
  return files;
}

Deno.test("SimplePageParser reads a PEP 691 page the same whatever the pieces the body comes in", () => {
  const whole = parseJsonPage(PAGE, URL);
  assertEquals(whole.length, 3);
  assertEquals(whole[1]!.url, "https://example.org/files/demo-2.0.tar.gz");
  for (const size of [1, 2, 3, 7, 64, 1000, 1 << 20]) {
    assertEquals(parseInPieces(PAGE, size, "application/vnd.pypi.simple.v1+json"), whole);
  }
  // Leading white space and a byte-order mark, a wrong content type: still a page.
  assertEquals(parseInPieces(`\ufeff \n${PAGE}\n`, 5, "text/plain"), whole);
});

Deno.test("SimplePageParser rejects what is not a page, naming the URL", async () => {
  const fails = (text: string | Uint8Array, type: string | null, reason: string) =>
    assertRejects(
      () =>
        Promise.resolve().then(() => {
          const parser = new SimplePageParser(type, `https://u:secret@${URL.slice(8)}`, () => {});
          parser.write(typeof text === "string" ? new TextEncoder().encode(text) : text);
          parser.end();
        }),
      NetworkError,
      `${URL} did not answer with a package index page (${reason}`,
    );
  await fails(new Uint8Array([0xff, 0xfe, 0x7b]), "text/html", "the body is not UTF-8");
  await fails(new Uint8Array([0x7b, 0xff, 0xfe]), "application/json", "invalid JSON");
  const badEntry = new TextEncoder().encode('{"files": [{"filename": "?", "url": "x"}]}');
  badEntry[badEntry.indexOf(63)] = 0xff;
  await fails(badEntry, null, "the body is not UTF-8");
  await fails('{"files": [', "application/json", "invalid JSON (it ends too early)");
  await fails("{nope}", null, "invalid JSON");
  await fails('{"files": [1, 2]}', null, "JSON that is not a PEP 691 project page");
  await fails('{"files": [{"url": "x"}]}', null, "JSON that is not a PEP 691 project page");
  await fails('{"name": "demo"}', null, "JSON that is not a PEP 691 project page");
  await fails('{"files": []} trailing', null, "invalid JSON (text after the page)");
  await fails("Service Unavailable", "text/html", "neither HTML nor JSON");
  await fails("<html>but served as JSON</html>", "application/json", "invalid JSON");
  // A page with no files, in either form, is a project without files.
  assertEquals(parseInPieces('{"files": []}', 3, null), []);
  assertEquals(parseInPieces("<!DOCTYPE html><html><body></body></html>", 4, "text/html"), []);
});

Deno.test("a page's compact lines round-trip every field, and entries() decode only what is kept", () => {
  const files = parseJsonPage(PAGE, URL);
  const out = new ByteBuilder(8);
  const lines = new LinesWriter(out);
  for (const f of files) lines.add(f);
  assertEquals(out.view(), encodeFiles(files));
  assertEquals([...decodeFiles(out.view())], files);
  // Field separators and newlines inside fields are escaped, so every line stays one file.
  assertEquals(new TextDecoder().decode(out.view()).split("\n").length, files.length);
  const linked: IndexFile = {
    ...files[0]!,
    filename: "demo-1.0-py3-none-any.whl",
    url: "file:///w",
  };
  const page = new ProjectPage("demo", URL, out.view(), [linked]);
  assertEquals([...page.files()], [...files, linked]);
  // The entry object is reused: read it while iterating.
  const seen = Array.from(page.entries(), (e) => [e.filename, e.requiresPython, e.yanked]);
  assertEquals(seen, [...files, linked].map((f) => [f.filename, f.requiresPython, f.yanked]));
  const kept = Array.from(page.entries(), (e) => e.file());
  assertEquals(kept, [...files, linked]);
});
