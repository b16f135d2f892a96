/**
 * Unpacking a source distribution (`.tar.gz`, `.tgz`, `.tar`, legacy `.zip`) into a directory,
 * safely: archives come from indexes and may be hostile.
 *
 * @module
 */
import { basename, join } from "../paths/mod.ts";
import { DistributionError, throwIfInterrupted } from "../errors/mod.ts";
import { fileSource, readZipDirectory, readZipEntry } from "../zip/mod.ts";
import { readTar, type TarEntry } from "../tar/mod.ts";

/** Largest total size of the files an sdist may unpack to, in bytes (4 GiB). */
export const MAX_UNPACKED_SDIST_BYTES = 4 * 1024 * 1024 * 1024;

/** Most entries an sdist may hold. */
export const MAX_SDIST_ENTRIES = 200_000;

/**
 * Checks an archive member name and returns its `/`-separated segments: relative, no `..`, no
 * drive letter, no backslash or NUL (ambiguous across systems), not empty.
 */
function safeSegments(name: string, archive: string): string[] {
  const fail = (why: string) =>
    new DistributionError(`refusing the archive member \`${name}\`: ${why}`, archive);
  if (name.includes("\0")) throw fail("its name holds a NUL byte");
  if (name.startsWith("/") || /^[A-Za-z]:/.test(name)) throw fail("it is an absolute path");
  if (name.includes("\\")) throw fail("its name holds a backslash");
  const segments = name.split("/").filter((s) => s !== "" && s !== ".");
  if (segments.includes("..")) throw fail("it points outside the archive (`..`)");
  if (segments.length === 0) throw fail("its name is empty");
  return segments;
}

interface PendingLink {
  segments: string[];
  target: string;
  hard: boolean;
  name: string;
}

/** Options for {@linkcode unpackSdist}. */
export interface UnpackSdistOptions {
  /** The archive's file name for messages, when the path does not end with it. @default basename */
  filename?: string | undefined;
  /** Stops between entries once aborted (SIGINT/SIGTERM). */
  signal?: AbortSignal | undefined;
}

/** The archive format, from the first bytes (the path may be a content-addressed cache entry). */
async function sniffFormat(
  path: string,
  name: string,
): Promise<"tar.gz" | "tar" | "zip" | "bz2" | "xz" | undefined> {
  const head = new Uint8Array(512);
  const file = await Deno.open(path, { read: true });
  let length = 0;
  try {
    while (length < head.length) {
      const n = await file.read(head.subarray(length));
      if (n === null) break;
      length += n;
    }
  } finally {
    file.close();
  }
  const starts = (...bytes: number[]) =>
    bytes.every((b, i) => head[i] === b) && length >= bytes.length;
  if (starts(0x1f, 0x8b)) return "tar.gz";
  if (starts(0x50, 0x4b, 0x03, 0x04) || starts(0x50, 0x4b, 0x05, 0x06)) return "zip";
  if (length >= 262 && new TextDecoder().decode(head.subarray(257, 262)) === "ustar") return "tar";
  if (starts(0x42, 0x5a, 0x68)) return "bz2";
  if (starts(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00)) return "xz";
  // Old (v7) tar archives carry no magic: trust the name.
  if (/\.tar$/i.test(name) && length === 512) return "tar";
  return undefined;
}

/**
 * Unpacks the sdist archive at `archivePath` into the directory `dest` (which must exist and be
 * empty) and returns the source tree: the single top-level directory when every member lies
 * under one (PEP 625: `{name}-{version}/`), else `dest` itself (as pip does). The format (gzipped
 * tar, plain tar, legacy zip) is read from the first bytes, not from the name.
 *
 * Refused, with a {@linkcode DistributionError} naming the archive: absolute member paths, `..`
 * segments, device files and FIFOs, links whose target leaves the archive (absolute, or `..` past
 * its root, or through another link), links with members inside them, hard links to anything but
 * an earlier regular file, a total size above {@linkcode MAX_UNPACKED_SDIST_BYTES}, more than
 * {@linkcode MAX_SDIST_ENTRIES} entries, and corrupt archives (bad gzip, bad tar checksum,
 * truncated data). Symbolic links are created last, after every file, so no file is ever written
 * through one. Files keep their executable bit; other permission bits are not taken from the
 * archive.
 *
 * Requires `--allow-read` and `--allow-write`.
 *
 * @throws {DistributionError} as above, or for an archive format that is not supported
 *   (`.tar.bz2`, `.tar.xz`, anything else).
 * @throws {InterruptedError} when `options.signal` was aborted by SIGINT/SIGTERM.
 */
export async function unpackSdist(
  archivePath: string,
  dest: string,
  options: UnpackSdistOptions = {},
): Promise<string> {
  const archive = options.filename ?? basename(archivePath);
  const signal = options.signal;
  const tops = new Set<string>();
  let topIsDirectoryOnly = true;
  const note = (segments: string[], isDirectory: boolean) => {
    tops.add(segments[0]!);
    if (segments.length === 1 && !isDirectory) topIsDirectoryOnly = false;
  };
  try {
    const format = await sniffFormat(archivePath, archive);
    if (format === "zip") {
      await unpackZip(archivePath, dest, archive, note, signal);
    } else if (format === "tar.gz" || format === "tar") {
      const file = await Deno.open(archivePath, { read: true });
      const stream: ReadableStream<Uint8Array> = format === "tar"
        ? file.readable
        : file.readable.pipeThrough(new DecompressionStream("gzip"));
      await unpackTar(stream, dest, archive, note, signal);
    } else {
      throw new DistributionError(
        format === undefined
          ? "not a source archive gestvenv can read (a .tar.gz, .tar or .zip)"
          : `unsupported source archive format (${format}; gestvenv reads .tar.gz, .tar and .zip)`,
        archive,
        { hint: "Use a version of the package that has a wheel or a .tar.gz sdist" },
      );
    }
  } catch (error) {
    if (error instanceof DistributionError) {
      if (error.source !== undefined) throw error;
      throw new DistributionError(error.message, archive, { cause: error });
    }
    if (
      error instanceof Deno.errors.AlreadyExists || error instanceof Deno.errors.NotADirectory ||
      error instanceof Deno.errors.IsADirectory
    ) {
      throw new DistributionError(`conflicting archive members (${error.message})`, archive, {
        cause: error,
      });
    }
    if (error instanceof TypeError || error instanceof RangeError) {
      // DecompressionStream reports a bad gzip stream as a TypeError.
      throw new DistributionError(`corrupt archive (${error.message})`, archive, {
        cause: error,
      });
    }
    throw error;
  }
  if (tops.size === 0) throw new DistributionError("the archive is empty", archive);
  if (tops.size === 1 && topIsDirectoryOnly) return join(dest, [...tops][0]!);
  return dest;
}

async function writeChunks(
  path: string,
  chunks: AsyncIterable<Uint8Array>,
  mode: number,
  budget: { bytes: number },
  archive: string,
): Promise<void> {
  const file = await Deno.open(path, { write: true, create: true, truncate: true, mode });
  try {
    for await (const chunk of chunks) {
      budget.bytes -= chunk.length;
      if (budget.bytes < 0) {
        throw new DistributionError(
          `the archive unpacks to more than ${MAX_UNPACKED_SDIST_BYTES} bytes; refusing it`,
          archive,
        );
      }
      let written = 0;
      while (written < chunk.length) written += await file.write(chunk.subarray(written));
    }
  } finally {
    file.close();
  }
  // The mode given to open() is filtered by the umask and ignored for existing files.
  if (Deno.build.os !== "windows") await Deno.chmod(path, mode);
}

async function unpackTar(
  stream: ReadableStream<Uint8Array>,
  dest: string,
  archive: string,
  note: (segments: string[], isDirectory: boolean) => void,
  signal: AbortSignal | undefined,
): Promise<void> {
  const budget = { bytes: MAX_UNPACKED_SDIST_BYTES };
  const files = new Set<string>();
  const directories = new Set<string>();
  const links: PendingLink[] = [];
  let count = 0;
  await readTar(stream, async (entry: TarEntry, data) => {
    throwIfInterrupted(signal);
    if (++count > MAX_SDIST_ENTRIES) {
      throw new DistributionError(`the archive has more than ${MAX_SDIST_ENTRIES} entries`);
    }
    // `./` (archives made with `tar -C dir .`) is the root itself.
    if (entry.kind === "directory" && /^(\.\/)*\.?\/?$/.test(entry.name)) return;
    const segments = safeSegments(entry.name, archive);
    const key = segments.join("/");
    note(segments, entry.kind === "directory");
    const path = join(dest, ...segments);
    switch (entry.kind) {
      case "directory":
        if (files.has(key)) {
          throw new DistributionError(`\`${key}\` is both a file and a directory`);
        }
        await Deno.mkdir(path, { recursive: true });
        directories.add(key);
        return;
      case "file": {
        if (directories.has(key)) {
          throw new DistributionError(`\`${key}\` is both a directory and a file`);
        }
        await Deno.mkdir(join(dest, ...segments.slice(0, -1)), { recursive: true });
        const mode = (entry.mode & 0o111) !== 0 ? 0o755 : 0o644;
        await writeChunks(path, data.chunks(), mode, budget, archive);
        files.add(key);
        return;
      }
      case "symlink":
      case "hardlink":
        links.push({
          segments,
          target: entry.linkName,
          hard: entry.kind === "hardlink",
          name: key,
        });
        return;
      case "device":
      case "fifo":
        throw new DistributionError(
          `refusing the archive member \`${entry.name}\`: it is a ${
            entry.kind === "fifo" ? "FIFO" : "device file"
          }`,
        );
      default:
        throw new DistributionError(
          `refusing the archive member \`${entry.name}\`: unsupported tar entry type \`${entry.typeflag}\``,
        );
    }
  });
  await createLinks(links, dest, archive, files, directories);
}

/**
 * Creates the archive's links once every file exists. A symbolic link must be relative and stay
 * inside the archive when resolved from its own directory, without `..` stepping back out of
 * another link (which the lexical check cannot follow); a hard link must name a regular file of
 * the archive, and becomes a copy of it.
 */
async function createLinks(
  links: PendingLink[],
  dest: string,
  archive: string,
  files: Set<string>,
  directories: Set<string>,
): Promise<void> {
  const symlinks = new Set(links.filter((l) => !l.hard).map((l) => l.name));
  const parents = new Set<string>();
  for (const key of [...files, ...directories]) {
    const segments = key.split("/");
    for (let i = 1; i < segments.length; i++) parents.add(segments.slice(0, i).join("/"));
  }
  const refuse = (link: PendingLink, why: string) =>
    new DistributionError(
      `refusing the archive member \`${link.name}\` (a link to \`${link.target}\`): ${why}`,
      archive,
    );
  for (const link of links) {
    for (let i = 1; i < link.segments.length; i++) {
      if (symlinks.has(link.segments.slice(0, i).join("/"))) {
        throw refuse(link, "it lies inside another link");
      }
    }
    if (files.has(link.name) || directories.has(link.name)) {
      throw refuse(link, "another member has the same name");
    }
    if (parents.has(link.name)) throw refuse(link, "other members lie inside it");
    if (link.hard) {
      // Hard link names are relative to the archive root.
      const target = safeSegments(link.target, archive).join("/");
      if (!files.has(target)) throw refuse(link, "it does not name an earlier regular file");
      await Deno.mkdir(join(dest, ...link.segments.slice(0, -1)), { recursive: true });
      await Deno.copyFile(join(dest, ...target.split("/")), join(dest, ...link.segments));
      files.add(link.name);
      continue;
    }
    if (link.target === "" || link.target.startsWith("/") || /^[A-Za-z]:/.test(link.target)) {
      throw refuse(link, "its target is absolute");
    }
    if (link.target.includes("\\") || link.target.includes("\0")) {
      throw refuse(link, "its target holds a backslash or a NUL byte");
    }
    const resolved = link.segments.slice(0, -1);
    for (const part of link.target.split("/")) {
      if (part === "" || part === ".") continue;
      if (part === "..") {
        if (resolved.length === 0) throw refuse(link, "its target points outside the archive");
        if (symlinks.has(resolved.join("/"))) {
          throw refuse(link, "its target steps out of another link with `..`");
        }
        resolved.pop();
      } else resolved.push(part);
    }
    await Deno.mkdir(join(dest, ...link.segments.slice(0, -1)), { recursive: true });
    await Deno.symlink(link.target, join(dest, ...link.segments));
  }
}

async function unpackZip(
  archivePath: string,
  dest: string,
  archive: string,
  note: (segments: string[], isDirectory: boolean) => void,
  signal: AbortSignal | undefined,
): Promise<void> {
  const file = await Deno.open(archivePath, { read: true });
  try {
    const source = await fileSource(file);
    const entries = await readZipDirectory(source);
    if (entries.length > MAX_SDIST_ENTRIES) {
      throw new DistributionError(`the archive has more than ${MAX_SDIST_ENTRIES} entries`);
    }
    let budget = MAX_UNPACKED_SDIST_BYTES;
    const seen = new Set<string>();
    for (const entry of entries) {
      throwIfInterrupted(signal);
      const segments = safeSegments(entry.name, archive);
      const key = segments.join("/");
      const isDirectory = entry.name.endsWith("/");
      note(segments, isDirectory);
      if (isDirectory) {
        await Deno.mkdir(join(dest, ...segments), { recursive: true });
        continue;
      }
      if (seen.has(key)) throw new DistributionError(`duplicate archive member \`${key}\``);
      seen.add(key);
      budget -= entry.size;
      if (budget < 0) {
        throw new DistributionError(
          `the archive unpacks to more than ${MAX_UNPACKED_SDIST_BYTES} bytes; refusing it`,
        );
      }
      // Zip symlinks (Unix mode in the external attributes) are written as plain files holding
      // the target: nothing is ever created that points outside.
      const bytes = await readZipEntry(source, entry, { maxBytes: entry.size });
      await Deno.mkdir(join(dest, ...segments.slice(0, -1)), { recursive: true });
      await Deno.writeFile(join(dest, ...segments), bytes, { mode: 0o644 });
    }
  } finally {
    file.close();
  }
}
