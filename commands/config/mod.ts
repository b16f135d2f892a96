import { Command } from "@commander-js/extra-typings";
import {
  CONFIG_KEYS,
  type ConfigKey,
  isConfigKey,
  parseConfigValue,
  readPipIndexSettings,
  updateConfig,
} from "../../lib/config/mod.ts";
import { ConfigError, OperationError } from "../../lib/errors/mod.ts";
import { atomicWriteFile, pathExists } from "../../lib/fs/mod.ts";
import { buildContext, formatFor, globalOptions } from "../_context.ts";
import { examples } from "../_help.ts";

function checkKey(key: string): ConfigKey {
  if (!isConfigKey(key)) {
    throw new ConfigError(`Unknown configuration key \`${key}\``, {
      hint: `Known keys: ${Object.keys(CONFIG_KEYS).join(", ")}`,
    });
  }
  return key;
}

const show = (v: unknown) => Array.isArray(v) ? v.join(" ") : String(v);

/** `gestvenv config init|show|get|set|unset`: the user configuration file. */
export function configCommand() {
  const config = new Command("config")
    .description("Read and change the configuration (~/.gestvenv/config.toml)")
    .addHelpText(
      "after",
      examples([
        ["gestvenv config show", "every key with its value and source"],
        ["gestvenv config set backend uv", "prefer uv"],
        ['gestvenv config set extra_index_urls "https://a/simple https://b/simple"', "a list"],
        ["gestvenv config unset backend", "back to the default"],
      ]),
    );
  config.command("init")
    .description("Write a configuration file with every key commented out")
    .option("-f, --force", "overwrite an existing file")
    .action(async (opts, cmd) => {
      const ctx = await buildContext(globalOptions(cmd));
      if (await pathExists(ctx.home.configFile) && !opts.force) {
        throw new OperationError(`${ctx.home.configFile} already exists`, "config_exists", {
          hint: "Pass `--force` to replace it",
        });
      }
      const lines = ["# gestvenv configuration. Edit with `gestvenv config set KEY VALUE`.", ""];
      for (const [key, spec] of Object.entries(CONFIG_KEYS)) {
        lines.push(`# ${spec.description} (default: ${spec.default})`);
        lines.push(`# ${key} = ${spec.type === "list" ? "[]" : '""'}`, "");
      }
      if (ctx.dryRun) {
        ctx.printer.info(`Would write ${ctx.home.configFile}`);
        return;
      }
      await atomicWriteFile(ctx.home.configFile, lines.join("\n"));
      ctx.printer.success(`Wrote ${ctx.home.configFile}`);
    });
  config.command("show")
    .description("Show every key: its value, where it comes from, and pip's index settings")
    .action(async (_opts, cmd) => {
      const ctx = await buildContext(globalOptions(cmd));
      const format = formatFor(ctx, ["table", "json"], "table");
      const pip = await readPipIndexSettings();
      if (format === "json") {
        ctx.printer.json("config show", {
          file: ctx.home.configFile,
          home: ctx.home.root,
          config: ctx.config,
          pip_index: pip,
        });
        return;
      }
      ctx.printer.table(
        ["Key", "Value", "Description"],
        Object.entries(CONFIG_KEYS).map(([key, spec]) => {
          const value = ctx.config[key as ConfigKey];
          return [
            key,
            value === undefined ? ctx.printer.out.dim(`(default: ${spec.default})`) : show(value),
            spec.description,
          ];
        }),
      );
      ctx.printer.info(`File: ${ctx.home.configFile}`);
      ctx.printer.info(
        `pip's own index settings: index-url=${pip.indexUrl ?? "(default)"} extra-index-url=${
          pip.extraIndexUrls.join(" ") || "(none)"
        } find-links=${pip.findLinks.join(" ") || "(none)"}`,
      );
    });
  config.command("get")
    .description("Print one key's value")
    .argument("<key>", "configuration key")
    .action(async (key, _opts, cmd) => {
      const ctx = await buildContext(globalOptions(cmd));
      const k = checkKey(key);
      const value = ctx.config[k];
      if (ctx.format === "json") ctx.printer.json("config get", { key: k, value: value ?? null });
      else if (value !== undefined) ctx.printer.data(show(value));
      else ctx.printer.info(`\`${k}\` is not set (default: ${CONFIG_KEYS[k].default})`);
    });
  config.command("set")
    .description("Set a key (lists: space- or comma-separated)")
    .argument("<key>", "configuration key")
    .argument("<value>", "new value")
    .action(async (key, raw, _opts, cmd) => {
      const ctx = await buildContext(globalOptions(cmd));
      const value = parseConfigValue(key, raw);
      if (ctx.dryRun) {
        ctx.printer.info(`Would set ${key} = ${show(value)} in ${ctx.home.configFile}`);
        return;
      }
      await updateConfig(ctx.home.configFile, (c) => {
        c[key] = value;
      });
      ctx.printer.success(`${key} = ${show(value)}`);
    });
  config.command("unset")
    .description("Remove a key (back to its default)")
    .argument("<key>", "configuration key")
    .action(async (key, _opts, cmd) => {
      const ctx = await buildContext(globalOptions(cmd));
      const k = checkKey(key);
      if (ctx.dryRun) {
        ctx.printer.info(`Would unset ${k} in ${ctx.home.configFile}`);
        return;
      }
      await updateConfig(ctx.home.configFile, (c) => {
        delete c[k];
      });
      ctx.printer.success(`Unset ${k} (default: ${CONFIG_KEYS[k].default})`);
    });
  return config;
}
