/**
 * kj: the command-line tool, the embedded default on machines without Excel or WPS.
 * Each command lives in commands/<name>.ts and registers itself here.
 */
import { Command, CommanderError } from "commander";
import { Io, processIo } from "./common";
import { EXIT } from "../errors";
import { registerAward } from "./commands/award";
import { registerEligible } from "./commands/eligible";
import { registerCheck } from "./commands/check";
import { registerRecalc } from "./commands/recalc";
import { registerDemo } from "./commands/demo";
import { registerUpkeep } from "./commands/upkeep";
import { registerTargets } from "./commands/targets";
import { registerAwards } from "./commands/awards";
import { registerPolicy } from "./commands/policy";
import { registerRdSubsidy } from "./commands/rdsubsidy";
import { registerRdSubsidies } from "./commands/rdsubsidies";
import { registerMerge } from "./commands/merge";
import { registerReport } from "./commands/report";
import { chineseHelp, PROGRAM_HELP_AFTER, translateCommanderError } from "./help-zh";

export function buildProgram(io: Io): Command {
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
  registerAward(program, io);
  registerEligible(program, io);
  registerCheck(program, io);
  registerRecalc(program, io);
  registerDemo(program, io);
  registerUpkeep(program, io);
  registerTargets(program, io);
  registerAwards(program, io);
  registerRdSubsidy(program, io);
  registerRdSubsidies(program, io);
  registerPolicy(program, io);
  registerMerge(program, io);
  registerReport(program, io);
  return program;
}

/** Runs kj with argv; resolves to the exit code. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  process.exitCode = 0;
  const program = buildProgram(io);
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
