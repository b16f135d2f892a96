import { type EnvLookup, join, readEnv, userHomeDir } from "../paths/mod.ts";
import type { HttpTimeouts } from "./http_settings.ts";
import { readIni } from "./ini.ts";

/** Package index settings: where distributions come from, and how long to wait for them. */
export interface IndexSettings {
  /** Primary index URL (PEP 503/691 simple API), or undefined for the installer's default. */
  indexUrl?: string | undefined;
  /** Further index URLs, searched after the primary one. */
  extraIndexUrls: string[];
  /** Directories or HTML pages listing distribution files. */
  findLinks: string[];
  /** Network timeouts (gestvenv's settings; pip's configuration never sets them here). */
  http?: HttpTimeouts | undefined;
}

/**
 * Parses an INI file the way Python's `configparser` reads pip's configuration (`readIni`,
 * leniently): section names and keys in lower case, `_` in keys read as `-`.
 */
export function parseIni(text: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  for (const [name, entries] of readIni(text)) {
    const section = sections.get(name.toLowerCase()) ?? new Map<string, string>();
    sections.set(name.toLowerCase(), section);
    for (const [key, entry] of entries) {
      section.set(key.toLowerCase().replaceAll("_", "-"), entry.value);
    }
  }
  return sections;
}

/**
 * pip's configuration files in the order pip loads them (later wins): global
 * (`$XDG_CONFIG_DIRS/pip/pip.conf`, `/etc/pip.conf`), user (`~/.pip/pip.conf`,
 * `~/.config/pip/pip.conf`; `%APPDATA%\pip\pip.ini` on Windows), then `PIP_CONFIG_FILE`.
 */
export function pipConfigFiles(env: EnvLookup = readEnv): string[] {
  const home = env("HOME") ?? env("USERPROFILE") ?? userHomeDir();
  const explicit = env("PIP_CONFIG_FILE");
  if (explicit === "/dev/null" || explicit === "nul") return [];
  const files: string[] = [];
  if (Deno.build.os === "windows") {
    const programData = env("ProgramData");
    if (programData) files.push(join(programData, "pip", "pip.ini"));
    files.push(join(home, "pip", "pip.ini"));
    const appData = env("APPDATA");
    if (appData) files.push(join(appData, "pip", "pip.ini"));
  } else {
    const xdgDirs = (env("XDG_CONFIG_DIRS") ?? "/etc/xdg").split(":").filter((d) => d !== "");
    for (const dir of xdgDirs) files.push(join(dir, "pip", "pip.conf"));
    files.push("/etc/pip.conf");
    files.push(join(home, ".pip", "pip.conf"));
    if (Deno.build.os === "darwin") {
      files.push(join(home, "Library", "Application Support", "pip", "pip.conf"));
    }
    const xdgHome = env("XDG_CONFIG_HOME") ?? join(home, ".config");
    files.push(join(xdgHome, "pip", "pip.conf"));
  }
  if (explicit !== undefined) files.push(explicit);
  return files;
}

const split = (value: string) => value.split(/\s+/).filter((s) => s !== "");

/**
 * The index settings pip itself would use for `pip install`: its configuration files
 * (`[global]`, then `[install]`) and then the `PIP_INDEX_URL`, `PIP_EXTRA_INDEX_URL` and
 * `PIP_FIND_LINKS` variables, later sources winning per key. Used to give the uv backend the
 * same indexes as pip. Requires `--allow-read` and `--allow-env`.
 */
export async function readPipIndexSettings(env: EnvLookup = readEnv): Promise<IndexSettings> {
  const values = new Map<string, string>();
  for (const file of pipConfigFiles(env)) {
    let text: string;
    try {
      text = await Deno.readTextFile(file);
    } catch {
      continue;
    }
    const ini = parseIni(text);
    for (const section of ["global", "install"]) {
      for (const [k, v] of ini.get(section) ?? []) values.set(k, v);
    }
  }
  for (const key of ["index-url", "extra-index-url", "find-links"]) {
    const value = env(`PIP_${key.toUpperCase().replaceAll("-", "_")}`);
    if (value !== undefined) values.set(key, value);
  }
  return {
    indexUrl: values.get("index-url"),
    extraIndexUrls: split(values.get("extra-index-url") ?? ""),
    findLinks: split(values.get("find-links") ?? ""),
  };
}
