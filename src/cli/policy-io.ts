/**
 * --policy <政策包.json> (repeatable) on every command that uses policy: the files are read and
 * checked here; a command adds them to the built-in packs (and the packs stored in its workbook).
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { Command } from "commander";
import { CliError, fileErrorReason } from "../errors";
import { buildRegistry, LoadedPack, loadPackText, PolicyRegistry } from "../policy/registry";
import { workbookRegistry } from "../policy/stored";
import { WorkbookSnapshot } from "../host/port";

export const POLICY_OPTION_HELP = "再载入一个政策包（JSON 文件），与内置政策包一起使用；可写多次。政策期与内置或其他政策包重叠时报错";

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Adds --policy to a command. */
export function withPolicyOption(cmd: Command): Command {
  return cmd.option("--policy <政策包.json>", POLICY_OPTION_HELP, collect, []);
}

/** Reads a pack file's text; a missing or unreadable file is a CliError naming it. */
export function readPackFile(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === "ENOENT" ? "文件不存在" : `无法读取：${fileErrorReason(e)}`;
    throw new CliError("policy_file", `政策包文件“${file}”${why}`);
  }
}

/** Reads and checks each --policy file (PackError, exit 2, naming the field when one is wrong). */
export function loadPolicyFiles(files: readonly string[] | undefined): LoadedPack[] {
  return (files ?? []).map((f) => loadPackText(readPackFile(f), { type: "file", name: path.basename(f) }));
}

/** The registry for a command without a workbook: built-in packs plus the --policy files. */
export function policiesFromFiles(files: readonly string[] | undefined): PolicyRegistry {
  return buildRegistry(loadPolicyFiles(files));
}

/** The registry for a command on a workbook: built-in, the packs stored in it, then the --policy files. */
export function policiesForWorkbook(snapshot: WorkbookSnapshot, file: string, extra: readonly LoadedPack[]): PolicyRegistry {
  return workbookRegistry(snapshot, path.basename(file), extra);
}
