/**
 * kj: the command-line tool, the embedded default on machines without Excel or WPS.
 * Each command lives in commands/<name>.ts and registers itself here.
 *
 * The command modules are loaded on demand (require inside COMMANDS), so `kj award 高企` loads
 * the award command and its policy data only, not exceljs, HyperFormula or JSZip, which the file
 * commands need: start-up stays close to bare node (issue 17, BENCHMARKS.md 命令行启动).
 * esbuild turns each require into a lazily evaluated module of the one bundle (dist-cli/kj.js).
 */
import { Command, CommanderError } from "commander";
import { Io, processIo } from "./common";
import { EXIT } from "../errors";
import { chineseHelp, PROGRAM_HELP_AFTER, translateCommanderError } from "./help-zh";

type Register = (program: Command, io: Io) => void;

/** Every command, in the order of kj --help; each entry loads its module only when called. */
export const COMMANDS: readonly (readonly [name: string, load: () => Register])[] = [
  ["award", () => (require("./commands/award") as typeof import("./commands/award")).registerAward],
  ["eligible", () => (require("./commands/eligible") as typeof import("./commands/eligible")).registerEligible],
  ["check", () => (require("./commands/check") as typeof import("./commands/check")).registerCheck],
  ["recalc", () => (require("./commands/recalc") as typeof import("./commands/recalc")).registerRecalc],
  ["demo", () => (require("./commands/demo") as typeof import("./commands/demo")).registerDemo],
  ["upkeep", () => (require("./commands/upkeep") as typeof import("./commands/upkeep")).registerUpkeep],
  ["targets", () => (require("./commands/targets") as typeof import("./commands/targets")).registerTargets],
  ["awards", () => (require("./commands/awards") as typeof import("./commands/awards")).registerAwards],
  ["rdsubsidy", () => (require("./commands/rdsubsidy") as typeof import("./commands/rdsubsidy")).registerRdSubsidy],
  ["rdsubsidies", () => (require("./commands/rdsubsidies") as typeof import("./commands/rdsubsidies")).registerRdSubsidies],
  ["policy", () => (require("./commands/policy") as typeof import("./commands/policy")).registerPolicy],
  ["merge", () => (require("./commands/merge") as typeof import("./commands/merge")).registerMerge],
  ["report", () => (require("./commands/report") as typeof import("./commands/report")).registerReport],
];

/**
 * The kj program. With `only`, just that command is registered (and its module loaded): what
 * main does when the first argument names a command; `kj --help`, `kj help …`, a mistyped
 * command and the tests get every command.
 */
export function buildProgram(io: Io, only?: string): Command {
  const program = new Command();
  program
    .name("kj")
    .description("科技台账（KJ）命令行工具：校验台账、动态管理、目标完成情况、奖励测算、研发补助、公式重算、政策包管理")
    .helpOption("-h, --help", "显示帮助")
    .addHelpCommand("help [命令]", "显示某个命令的帮助")
    .showHelpAfterError("（用 kj --help 查看用法）")
    .exitOverride()
    .configureHelp(chineseHelp())
    .addHelpText("after", PROGRAM_HELP_AFTER)
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s), outputError: (s, write) => write(translateCommanderError(s) + "\n") });
  for (const [name, load] of COMMANDS) if (only === undefined || only === name) load()(program, io);
  return program;
}

/** Runs kj with argv; resolves to the exit code. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  process.exitCode = 0;
  const first = argv[2];
  const program = buildProgram(io, COMMANDS.some(([name]) => name === first) ? first : undefined);
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.exitCode === 0) return EXIT.ok;
      return EXIT.unusable;
    }
    throw e;
  }
  return Number(process.exitCode ?? 0);
}
