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
const CLOSE_BRACKET = 93, COMMA = 44;

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

/** Parses one simple-API answer incrementally; see the module documentation. */
export class SimplePageParser {
  readonly #url: string;
  readonly #contentType: string | null;
  readonly #onFile: (file: IndexFile) => void;
  readonly #decoder = new TextDecoder("utf-8", { fatal: true });
  #mode: "start" | "json" | "html" = "start";
  /** Bytes of the byte-order mark seen at the start. */
  #bom = 0;
  /** HTML: the whole body, decoded and parsed at the end. */
  #html: Uint8Array[] = [];
  // JSON scanning state, kept across pieces. The scan works on bytes: JSON's structural
  // characters are ASCII, and no byte of a multi-byte UTF-8 character is ASCII.
  #depth = 0;
  #inString = false;
  /** The previous byte, inside a string, was an unescaped backslash. */
  #escaped = false;
  #expectKey = false;
  /** Pieces of the key being read (depth 1), or null when not reading one. */
  #keyParts: Uint8Array[] | null = null;
  #key: string | null = null;
  #inFiles = false;
  #sawFiles = false;
  /** Pieces of the file entry being read (depth 3 in `files`), or null. */
  #objectParts: Uint8Array[] | null = null;
  #done = false;

  /**
   * Creates a parser for one page; feed it the body as it arrives.
   *
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

  #decode(bytes: Uint8Array): string {
    try {
      return this.#decoder.decode(bytes);
    } catch {
      throw this.#fail("the body is not UTF-8 text");
    }
  }

  /**
   * Feeds the next piece of the body.
   * @throws {NetworkError} as soon as the body cannot be a page.
   */
  write(chunk: Uint8Array): void {
    let i = 0;
    if (this.#mode === "start") {
      const BOM = [0xef, 0xbb, 0xbf];
      while (i < chunk.length) {
        const b = chunk[i]!;
        if (this.#bom < 3 && b === BOM[this.#bom]) this.#bom++;
        else if (!isSpace(b)) break;
        i++;
      }
      if (i === chunk.length) return;
      this.#mode = chunk[i] === OPEN_BRACE ? "json" : "html";
    }
    if (this.#mode === "html") this.#html.push(chunk.subarray(i));
    else this.#scan(chunk, i);
  }

  /**
   * Ends the body: reads the collected HTML, or checks that the JSON was a whole PEP 691 page.
   * @throws {NetworkError} when it was not a page.
   */
  end(): void {
    if (this.#mode === "json") {
      if (!this.#done) throw this.#fail("invalid JSON (it ends too early)");
      if (!this.#sawFiles) throw this.#fail("JSON that is not a PEP 691 project page");
      return;
    }
    const parts = this.#html;
    this.#html = [];
    const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const part of parts) {
      bytes.set(part, offset);
      offset += part.length;
    }
    const text = this.#decode(bytes);
    if ((this.#contentType ?? "").toLowerCase().includes("json")) {
      throw this.#fail("invalid JSON");
    }
    if (!HTML_TAG.test(text.slice(0, 65536))) throw this.#fail("neither HTML nor JSON");
    for (const file of parseHtmlPage(text, this.#url)) this.#onFile(file);
  }

  #scan(chunk: Uint8Array, from: number): void {
    const n = chunk.length;
    let i = from;
    let objectStart = this.#objectParts === null ? -1 : i;
    let keyStart = this.#keyParts === null ? -1 : i;
    let nextBackslash = -2;
    while (i < n) {
      if (this.#inString) {
        if (this.#escaped) {
          this.#escaped = false;
          i++;
          continue;
        }
        // Jump to the next quote or backslash.
        if (nextBackslash !== -1 && nextBackslash < i) nextBackslash = chunk.indexOf(BACKSLASH, i);
        const quote = chunk.indexOf(QUOTE, i);
        if (nextBackslash >= 0 && (quote < 0 || nextBackslash < quote)) {
          this.#escaped = true;
          i = nextBackslash + 1;
          continue;
        }
        if (quote < 0) {
          i = n;
          break;
        }
        this.#inString = false;
        if (this.#keyParts !== null) {
          this.#keyParts.push(chunk.subarray(keyStart, quote));
          this.#key = this.#keyText(this.#keyParts);
          this.#keyParts = null;
          keyStart = -1;
        }
        i = quote + 1;
        continue;
      }
      const c = chunk[i]!;
      if (isSpace(c)) {
        i++;
        continue;
      }
      if (this.#done) throw this.#fail("invalid JSON (text after the page)");
      const depth = this.#depth;
      if (depth === 0 && c !== OPEN_BRACE) throw this.#fail("invalid JSON");
      if (depth === 1 && this.#expectKey) {
        if (c === QUOTE) {
          this.#expectKey = false;
          this.#inString = true;
          this.#keyParts = [];
          keyStart = i + 1;
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
          break;
        case OPEN_BRACE:
        case OPEN_BRACKET:
          this.#depth++;
          if (this.#depth === 1) this.#expectKey = true;
          else if (this.#depth === 2 && c === OPEN_BRACKET && this.#key === "files") {
            this.#inFiles = true;
            this.#sawFiles = true;
          } else if (this.#depth === 3 && this.#inFiles && c === OPEN_BRACE) {
            this.#objectParts = [];
            objectStart = i;
          }
          break;
        case CLOSE_BRACE:
        case CLOSE_BRACKET:
          if (this.#depth === 3 && this.#objectParts !== null && c === CLOSE_BRACE) {
            this.#objectParts.push(chunk.subarray(objectStart, i + 1));
            this.#file(this.#objectParts);
            this.#objectParts = null;
            objectStart = -1;
          } else if (this.#depth === 2 && this.#inFiles) this.#inFiles = false;
          this.#depth--;
          if (this.#depth === 0) this.#done = true;
          break;
        case COMMA:
          if (depth === 1) this.#expectKey = true;
          break;
        default:
          break;
      }
      i++;
    }
    // Keep the unfinished parts (copied: the piece's buffer may be reused).
    if (this.#objectParts !== null && objectStart >= 0) {
      this.#objectParts.push(chunk.slice(objectStart));
    }
    if (this.#keyParts !== null && keyStart >= 0) this.#keyParts.push(chunk.slice(keyStart));
  }

  #keyText(parts: Uint8Array[]): string {
    const text = this.#decode(joinBytes(parts));
    if (!text.includes("\\")) return text;
    try {
      return JSON.parse(`"${text}"`) as string;
    } catch {
      throw this.#fail("invalid JSON");
    }
  }

  #file(parts: Uint8Array[]): void {
    let entry: unknown;
    try {
      entry = JSON.parse(this.#decode(joinBytes(parts)));
    } catch (error) {
      if (error instanceof NetworkError) throw error;
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

function joinBytes(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
