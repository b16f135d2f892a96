/**
 * An incremental parser for the project pages an index answers, fed the body piece by piece as it
 * arrives, so a 10 MB PEP 691 page is never held whole (as bytes, as text and as a parsed tree at
 * once): each entry of its `files` array is cut out, parsed and handed over on its own.
 *
 * Whatever the `Content-Type` claims, a body that starts with `{` is read as PEP 691 JSON and
 * anything else is collected and read as PEP 503 HTML (pip and uv accept indexes with a wrong
 * content type). A body that is neither (not UTF-8, invalid JSON, JSON of another shape, text
 * without HTML) is a `NetworkError` naming the URL, never an empty project.
 *
 * @module
 */
import { NetworkError } from "../errors/mod.ts";
import { redactUrl } from "./http_client.ts";
import { type IndexFile, jsonFile, parseHtmlPage } from "./simple_page.ts";

const HTML_TAG = /<(!doctype\s+html|html|head|body|a|meta|title|pre|h1)[\s>]/i;
const QUOTE = 34, BACKSLASH = 92, OPEN_BRACE = 123, CLOSE_BRACE = 125, OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93, COMMA = 44, COLON = 58;

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

/** Parses one simple-API answer incrementally; see the module documentation. */
export class SimplePageParser {
  readonly #url: string;
  readonly #contentType: string | null;
  readonly #onFile: (file: IndexFile) => void;
  readonly #decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
  #mode: "start" | "json" | "html" = "start";
  /** HTML: the whole text, parsed at the end. */
  #html: string[] = [];
  // JSON scanning state: `#buf` holds the text not yet discarded, `#i` the next index to scan.
  #buf = "";
  #i = 0;
  #depth = 0;
  #inString = false;
  #stringStart = -1;
  #expectKey = false;
  #key: string | null = null;
  #inFiles = false;
  #sawFiles = false;
  #objectStart = -1;
  #done = false;

  /**
   * @param contentType The answer's `Content-Type`, for messages.
   * @param url The page's URL: relative file URLs resolve against it; errors name it (redacted).
   * @param onFile Receives each file as soon as it is parsed.
   */
  constructor(contentType: string | null, url: string, onFile: (file: IndexFile) => void) {
    this.#contentType = contentType;
    this.#url = url;
    this.#onFile = onFile;
  }

  #fail(reason: string): NetworkError {
    return new NetworkError(
      `${redactUrl(this.#url)} did not answer with a package index page (${reason}; ` +
        `Content-Type: ${this.#contentType || "none"})`,
      {
        hint:
          "Check the index URL; a proxy, a captive portal or a misconfigured server may be answering instead of the index",
      },
    );
  }

  #decode(chunk: Uint8Array, stream: boolean): string {
    try {
      return this.#decoder.decode(chunk, { stream });
    } catch {
      throw this.#fail("the body is not UTF-8 text");
    }
  }

  /**
   * Feeds the next piece of the body.
   * @throws {NetworkError} as soon as the body cannot be a page.
   */
  write(chunk: Uint8Array): void {
    this.#take(this.#decode(chunk, true));
  }

  #take(text: string): void {
    if (text === "") return;
    if (this.#mode === "start") {
      const first = text.trimStart();
      if (first === "") return;
      this.#mode = first[0] === "{" ? "json" : "html";
      text = first;
    }
    if (this.#mode === "html") this.#html.push(text);
    else this.#scan(text);
  }

  /**
   * Ends the body: reads the collected HTML, or checks that the JSON was a whole PEP 691 page.
   * @throws {NetworkError} when it was not a page.
   */
  end(): void {
    this.#take(this.#decode(new Uint8Array(), false));
    if (this.#mode === "json") {
      if (!this.#done) throw this.#fail("invalid JSON (it ends too early)");
      if (!this.#sawFiles) throw this.#fail("JSON that is not a PEP 691 project page");
      return;
    }
    const text = this.#html.join("");
    this.#html = [];
    if ((this.#contentType ?? "").toLowerCase().includes("json")) {
      throw this.#fail("invalid JSON");
    }
    if (!HTML_TAG.test(text.slice(0, 65536))) throw this.#fail("neither HTML nor JSON");
    for (const file of parseHtmlPage(text, this.#url)) this.#onFile(file);
  }

  #scan(text: string): void {
    if (this.#done) {
      if (text.trim() !== "") throw this.#fail("invalid JSON (text after the page)");
      return;
    }
    let buf = this.#buf + text;
    let i = this.#i;
    const n = buf.length;
    while (i < n) {
      if (this.#inString) {
        // Jump to the closing quote: one not preceded by an odd number of backslashes.
        let q = buf.indexOf('"', i);
        for (;;) {
          if (q < 0) break;
          let slashes = 0;
          for (let k = q - 1; k >= 0 && buf.charCodeAt(k) === BACKSLASH; k--) slashes++;
          if (slashes % 2 === 0) break;
          q = buf.indexOf('"', q + 1);
        }
        if (q < 0) {
          i = n;
          break;
        }
        this.#inString = false;
        if (this.#depth === 1 && this.#stringStart >= 0 && this.#key === null) {
          try {
            this.#key = JSON.parse(buf.slice(this.#stringStart, q + 1)) as string;
          } catch {
            throw this.#fail("invalid JSON");
          }
        }
        this.#stringStart = -1;
        i = q + 1;
        continue;
      }
      const c = buf.charCodeAt(i);
      if (isSpace(c)) {
        i++;
        continue;
      }
      const depth = this.#depth;
      if (depth === 0 && c !== OPEN_BRACE) throw this.#fail("invalid JSON");
      if (depth === 1 && this.#expectKey) {
        if (c === QUOTE) {
          this.#expectKey = false;
          this.#key = null;
          this.#inString = true;
          this.#stringStart = i;
          i++;
          continue;
        }
        if (c !== CLOSE_BRACE) throw this.#fail("invalid JSON");
      }
      if (this.#inFiles && depth === 2 && c !== OPEN_BRACE && c !== COMMA && c !== CLOSE_BRACKET) {
        throw this.#fail("JSON that is not a PEP 691 project page");
      }
      switch (c) {
        case QUOTE:
          this.#inString = true;
          this.#stringStart = depth === 1 ? -1 : i;
          break;
        case OPEN_BRACE:
        case OPEN_BRACKET:
          this.#depth++;
          if (this.#depth === 1) this.#expectKey = true;
          else if (this.#depth === 2 && c === OPEN_BRACKET && this.#key === "files") {
            this.#inFiles = true;
            this.#sawFiles = true;
          } else if (this.#depth === 3 && this.#inFiles && c === OPEN_BRACE) {
            this.#objectStart = i;
          }
          break;
        case CLOSE_BRACE:
        case CLOSE_BRACKET:
          if (this.#depth === 3 && this.#inFiles && c === CLOSE_BRACE) {
            this.#file(buf.slice(this.#objectStart, i + 1));
            this.#objectStart = -1;
          } else if (this.#depth === 2 && this.#inFiles) this.#inFiles = false;
          this.#depth--;
          if (this.#depth === 0) this.#done = true;
          break;
        case COMMA:
          if (depth === 1) this.#expectKey = true;
          break;
        case COLON:
          break;
        default:
          break;
      }
      i++;
      if (this.#done) {
        if (buf.slice(i).trim() !== "") throw this.#fail("invalid JSON (text after the page)");
        i = n;
        break;
      }
    }
    // Keep only what an unfinished file entry or string still needs.
    const keep = Math.min(
      this.#objectStart >= 0 ? this.#objectStart : n,
      this.#inString && this.#stringStart >= 0 ? this.#stringStart : n,
      this.#inString ? Math.max(0, n - 64) : n,
    );
    if (keep > 0) {
      buf = buf.slice(keep);
      i -= keep;
      if (this.#objectStart >= 0) this.#objectStart -= keep;
      if (this.#stringStart >= 0) this.#stringStart -= keep;
    }
    this.#buf = buf;
    this.#i = i;
  }

  #file(text: string): void {
    let entry: unknown;
    try {
      entry = JSON.parse(text);
    } catch {
      throw this.#fail("invalid JSON");
    }
    const f = entry as Record<string, unknown>;
    if (typeof f.filename !== "string" || typeof f.url !== "string") {
      throw this.#fail("JSON that is not a PEP 691 project page");
    }
    const file = jsonFile(f, this.#url);
    if (file !== null) this.#onFile(file);
  }
}

/**
 * Parses a whole project page answered by an index (see {@linkcode SimplePageParser}).
 * @throws {NetworkError} naming the URL (credentials removed) when the body is not a page.
 */
export function parseSimplePage(
  body: Uint8Array,
  contentType: string | null,
  url: string,
): IndexFile[] {
  const files: IndexFile[] = [];
  const parser = new SimplePageParser(contentType, url, (f) => files.push(f));
  parser.write(body);
  parser.end();
  return files;
}
