/**
 * kj policy: the policy packs as staff and IT handle them.
 *   kj policy list   [--workbook 台账.xlsx] [--policy f.json] [--date D] [--json]
 *   kj policy show   <编号> [--date D] [--workbook …] [--policy …] [--json]   (--json: the pack in file format, an editable copy)
 *   kj policy check  <政策包.json…> [--workbook …] [--json]                  (exit 0 valid, 2 refused, with the field and why)
 *   kj policy schema <plan|eligibility|upkeep> | --out <目录>                      (the JSON Schemas editors validate with)
 *   kj policy store  <工作簿.xlsx> [政策包.json…] [--remove 编号] --out <结果.xlsx>
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Command } from "commander";
import { formatDay } from "../../dates";
import { CliError, EXIT, fileErrorReason, isKjError } from "../../errors";
import { COUNTERS } from "../../jobs/targets";
import { PackError, PackProblem, problemText } from "../../policy/pack-errors";
import { describeRdPack } from "../../policy/rd";
import { describeAwardRule } from "../../policy/plans";
import { BUILTIN_PACKS, buildRegistry, LoadedPack, loadPackText, packsById, periodText, PolicyRegistry } from "../../policy/registry";
import { removeStoredPackEdits, storedPacks, storePacksEdits } from "../../policy/stored";
import planSchema from "../../policy/schemas/kj-plan.schema.json";
import eligibilitySchema from "../../policy/schemas/kj-eligibility.schema.json";
import upkeepSchema from "../../policy/schemas/kj-upkeep.schema.json";
import rdSubsidySchema from "../../policy/schemas/kj-rd-subsidy.schema.json";
import { Io, parseDateOption } from "../common";
import { loadPolicyFiles, readPackFile, withPolicyOption } from "../policy-io";
import { run } from "../run";
import { addEdits, applyAndReread, checkOutPath, openForJob, printNotices, saveResult, shownName } from "./job-io";

/** The JSON Schema file of each pack format, as shipped (src/policy/schemas, generated from the zod schemas). */
export const SCHEMA_FILES: Record<LoadedPack["format"], { file: string; schema: object }> = {
  plan: { file: "kj-plan.schema.json", schema: planSchema },
  eligibility: { file: "kj-eligibility.schema.json", schema: eligibilitySchema },
  upkeep: { file: "kj-upkeep.schema.json", schema: upkeepSchema },
  rdSubsidy: { file: "kj-rd-subsidy.schema.json", schema: rdSubsidySchema },
};

const ORIGIN_TYPES = { builtin: "内置", file: "文件", workbook: "工作簿" } as const;

/** One pack as `kj policy list --json` gives it. */
export function packSummary(p: LoadedPack): object {
  return {
    id: p.id,
    kind: p.kind,
    kindName: p.kindName,
    format: p.format,
    title: p.title,
    issuer: p.issuer,
    from: formatDay(p.from),
    to: p.to === null ? null : formatDay(p.to),
    provisional: p.provisional,
    source: p.source,
    note: p.note,
    origin: p.origin.type,
    originName: p.origin.type === "builtin" ? null : p.origin.name,
  };
}

/** The pack in file format: its JSON, "$schema" first, pointing to the schema file beside it. */
export function packFileJson(p: LoadedPack): Record<string, unknown> {
  const rest = { ...p.json };
  delete rest.$schema;
  return { $schema: `./${SCHEMA_FILES[p.format].file}`, ...rest };
}

function originLabel(p: LoadedPack): string {
  const o = p.origin;
  return o.type === "builtin" ? "内置" : o.type === "file" ? `文件 ${o.name}` : `工作簿 ${o.name || ""}`.trim();
}

async function registryFor(opts: { workbook?: string; policy?: string[] }): Promise<PolicyRegistry> {
  const extra = loadPolicyFiles(opts.policy);
  if (opts.workbook === undefined) return buildRegistry(extra);
  const opened = await openForJob(opts.workbook, undefined);
  return buildRegistry([...storedPacks(opened.snapshot, shownName(opts.workbook)).packs, ...extra]);
}

function inForce(p: LoadedPack, day: number | undefined): boolean {
  return day === undefined || (day >= p.from && (p.to === null || day <= p.to));
}

function printPack(io: Io, p: LoadedPack): void {
  io.out(`${p.id}［${p.kindName}］${p.provisional ? "（暂定）" : ""}`);
  io.out(`  名称：${p.title}`);
  io.out(`  发文单位：${p.issuer || "—"}`);
  io.out(`  有效期：${periodText(p)}${p.to === null ? "（至同类的下一个政策包生效）" : ""}`);
  io.out(`  出处：${p.source}`);
  if (p.note) io.out(`  备注：${p.note}`);
  io.out(`  来源：${originLabel(p)}`);
}

export function registerPolicy(program: Command, io: Io): void {
  const policy = program
    .command("policy")
    .description("政策包：列出、查看、检查政策包，导出编辑器用的 JSON Schema，把政策包保存到工作簿")
    .addHelpText(
      "after",
      "\n政策包是 JSON 文件（格式见 README“政策包”一节）。新的一年、新的计划只需新增政策包，不必改程序。\n" +
        "退出码：见各子命令的帮助（kj policy check --help 等）：0 完成；2 政策包有误或无法处理。\n" +
        "示例：kj policy show xuecheng-plan-2022-2024 --json > 新政策.json   （导出一份可编辑的副本）\n" +
        "      kj policy check 新政策.json\n" +
        "      kj award 高企 --date 2026-06-01 --policy 新政策.json\n" +
        "      kj policy store 台账.xlsx 新政策.json --out 台账-含政策.xlsx",
    );

  withPolicyOption(
    policy
      .command("list")
      .description("列出政策包：编号、名称、发文单位、有效期、是否暂定、出处与来源（内置、工作簿或文件）")
      .option("--workbook <台账.xlsx>", "同时列出保存在这个工作簿中的政策包")
      .option("--date <YYYY-MM-DD>", "只列出这一天有效的政策包")
      .option("--json", "以 JSON 输出"),
  )
    .addHelpText("after", "\n退出码：0 已列出；2 政策包或工作簿有误。\n示例：kj policy list --workbook 台账.xlsx --date 2026-06-01")
    .action((opts: { workbook?: string; date?: string; json?: boolean; policy?: string[] }) =>
      run(io, Boolean(opts.json), async () => {
        const day = parseDateOption(opts.date, "日期");
        const reg = await registryFor(opts);
        const packs = reg.packs.filter((p) => inForce(p, day));
        if (opts.json) {
          io.out(JSON.stringify({ ...(day !== undefined ? { date: formatDay(day) } : {}), packs: packs.map(packSummary) }));
          return EXIT.ok;
        }
        const counts = (["builtin", "workbook", "file"] as const).map((t) => [t, packs.filter((p) => p.origin.type === t).length] as const).filter(([, n]) => n > 0);
        io.out(`政策包 ${packs.length} 个${day !== undefined ? `（${formatDay(day)} 有效）` : ""}：${counts.map(([t, n]) => `${ORIGIN_TYPES[t]} ${n} 个`).join("，")}`);
        for (const p of packs) {
          io.out("");
          printPack(io, p);
        }
        if (day !== undefined && packs.length === 0) io.out("这一天没有有效的政策包。可用 --policy 载入新的政策包，或在任务窗格“政策”页载入。");
        return EXIT.ok;
      }),
    );

  withPolicyOption(
    policy
      .command("show")
      .description("查看一个政策包；加 --json 按文件格式输出（可另存为新政策包的起点）")
      .argument("<编号>", "政策包编号，如 xuecheng-plan-2022-2024（kj policy list 可查）")
      .option("--date <YYYY-MM-DD>", "几个政策包编号相同时，取这一天有效的那个")
      .option("--workbook <台账.xlsx>", "也在这个工作簿保存的政策包中查找")
      .option("--json", "按政策包文件格式输出 JSON"),
  )
    .addHelpText(
      "after",
      "\n退出码：0 已输出；2 没有这个编号的政策包，或政策包有误。\n示例：kj policy show xuecheng-plan-2022-2024 --json > 行动计划2025-2027.json",
    )
    .action((id: string, opts: { date?: string; workbook?: string; json?: boolean; policy?: string[] }) =>
      run(io, Boolean(opts.json), async () => {
        const day = parseDateOption(opts.date, "日期");
        const reg = await registryFor(opts);
        const all = packsById(reg, id);
        const hits = all.filter((p) => inForce(p, day));
        if (hits.length === 0) {
          const known = reg.packs.map((p) => p.id).join("、");
          const why = all.length > 0 ? `编号为“${id}”的政策包在 ${formatDay(day as number)} 都不在有效期内` : `没有编号为“${id}”的政策包`;
          throw new CliError("policy_not_found", `${why}（现有：${known}）`);
        }
        if (hits.length > 1) {
          throw new CliError("policy_ambiguous", `有 ${hits.length} 个政策包编号都是“${id}”：${hits.map((p) => `${periodText(p)}（${originLabel(p)}）`).join("、")}。请加 --date YYYY-MM-DD 指定其中一个有效期内的日期`);
        }
        const p = hits[0];
        if (opts.json) {
          io.out(JSON.stringify(packFileJson(p), null, 2));
          return EXIT.ok;
        }
        printPack(io, p);
        if (p.plan) {
          io.out(`  奖励事项（${p.plan.pack.awards.length} 项）：`);
          for (const a of p.plan.pack.awards) io.out(`    ${a.key}　${a.name}：${describeAwardRule(a)}（${a.cite}）`);
          io.out(`  目标（${p.plan.pack.targets.length} 项）：`);
          for (const t of p.plan.pack.targets) io.out(`    ${t.key}　${t.name}：${t.qualifier ? t.qualifier + " " : ""}${t.target}${t.unit}（${t.cite}）`);
        }
        if (p.rules) {
          io.out(`  条件（${p.rules.conditions.length} 项）：`);
          for (const c of p.rules.conditions) io.out(`    ${c.id}　${c.label}（${c.cite}）`);
        }
        if (p.upkeep) {
          const r = p.upkeep.rules;
          io.out(`  建议调出的原因（${r.reasons.length} 项）：`);
          for (const c of r.reasons) io.out(`    ${c.code}　${c.text}（读取 ${c.field}；${c.cite}）`);
          io.out(`  提醒（${r.reminders.length} 项，不是调出原因）：`);
          for (const c of r.reminders) io.out(`    ${c.code}　${c.text}（${c.cite}）`);
        }
        if (p.rd) for (const line of describeRdPack(p.rd)) io.out(`  ${line}`);
        io.out(`用 --json 输出政策包文件（JSON），可另存后修改，再用 kj policy check 检查。`);
        return EXIT.ok;
      }),
    );

  policy
    .command("check")
    .description("检查政策包文件：格式、日期、金额写法、重复的键名，以及与内置（和工作簿中）政策包的有效期是否重叠")
    .argument("<政策包.json...>", "要检查的政策包文件，可写多个")
    .option("--workbook <台账.xlsx>", "同时检查与这个工作簿中保存的政策包是否重叠")
    .option("--json", "以 JSON 输出检查结果")
    .addHelpText(
      "after",
      "\n退出码：0 全部可以载入（可能有提示）；2 有政策包有误（写明字段路径，如 period.from，和错在哪里）。\n示例：kj policy check 行动计划2025-2027.json",
    )
    .action((files: string[], opts: { workbook?: string; json?: boolean }) => run(io, Boolean(opts.json), () => checkCommand(files, opts, io)));

  policy
    .command("schema")
    .description("导出政策包的 JSON Schema：放在政策包旁边，编辑器（如 VS Code）就能边输入边检查、显示各字段的中文说明")
    .argument("[格式]", "plan（计划：奖励与目标）、eligibility（认定条件）、upkeep（动态管理）或 rdSubsidy（研发补助）；不写时须用 --out")
    .option("--out <目录>", "把全部 JSON Schema 文件写到这个目录")
    .addHelpText("after", "\n退出码：0 已输出；2 格式名有误或目录不可写。\n示例：kj policy schema --out 政策包\n      kj policy schema plan > kj-plan.schema.json")
    .action((format: string | undefined, opts: { out?: string }) => run(io, false, () => schemaCommand(format, opts, io)));

  policy
    .command("store")
    .description("把政策包保存到工作簿（隐藏的“KJ政策”工作表），让其他电脑、Excel、WPS 和 kj 打开同一文件都按这些政策计算；也可移除已保存的政策包")
    .argument("<工作簿.xlsx>", "要保存政策包的工作簿（只读取，不会被修改）")
    .argument("[政策包.json...]", "要保存的政策包文件；编号相同的已保存政策包会被替换")
    .requiredOption("--out <结果.xlsx>", "另存为这个文件（写入政策包并重算公式）")
    .option("--remove <编号>", "移除工作簿中保存的这个政策包；可写多次", (v: string, prev: string[] = []) => [...prev, v], [])
    .option("--as-of <YYYY-MM-DD>", "重算公式时用的今天日期；默认今天")
    .option("--json", "以 JSON 输出")
    .addHelpText(
      "after",
      "\n退出码：0 已保存；2 政策包有误、有效期重叠、工作簿无法读取或输出位置不可写。\n示例：kj policy store 奖励台账.xlsx 行动计划2025-2027.json --out 奖励台账-含政策.xlsx",
    )
    .action((file: string, packs: string[], opts: StoreOptions) => run(io, Boolean(opts.json), () => storeCommand(file, packs, opts, io)));
}

interface CheckedFile {
  file: string;
  pack: LoadedPack | null;
  problems: PackProblem[];
  warnings: string[];
}

/** Hints for a valid pack: an id shared with a built-in pack, target keys KJ cannot count. */
function warningsOf(p: LoadedPack): string[] {
  const out: string[] = [];
  const same = BUILTIN_PACKS.find((b) => b.id === p.id && b.kind === p.kind);
  if (same && p.origin.type !== "builtin") out.push(`编号“${p.id}”与内置政策包相同；两者有效期不重叠时可以并存，但建议改成新的编号（如写上年份），便于区分和查看`);
  for (const t of p.plan?.pack.targets ?? []) {
    if (!COUNTERS[t.key]) out.push(`指标键名“${t.key}”（${t.name}）没有计数规则：目标完成情况中该指标只列目标、不计实际数。可用的键名：${Object.keys(COUNTERS).join("、")}`);
  }
  return out;
}

async function checkCommand(files: string[], opts: { workbook?: string; json?: boolean }, io: Io): Promise<number> {
  const checked: CheckedFile[] = files.map((file) => {
    try {
      const pack = loadPackText(readPackFile(file), { type: "file", name: path.basename(file) });
      return { file, pack, problems: [], warnings: warningsOf(pack) };
    } catch (e) {
      if (e instanceof PackError) return { file, pack: null, problems: [...e.problems], warnings: [] };
      if (e instanceof CliError) return { file, pack: null, problems: [{ path: "", message: e.message }], warnings: [] };
      throw e;
    }
  });
  const stored = opts.workbook !== undefined ? storedPacks((await openForJob(opts.workbook, undefined)).snapshot, shownName(opts.workbook)).packs : [];
  let overlap: string | null = null;
  try {
    buildRegistry([...stored, ...checked.flatMap((c) => (c.pack ? [c.pack] : []))]);
  } catch (e) {
    if (!(isKjError(e) && e.code === "policy_overlap")) throw e;
    overlap = e.message;
  }
  const ok = checked.every((c) => c.pack !== null) && overlap === null;
  if (opts.json) {
    io.out(
      JSON.stringify({
        ok,
        files: checked.map((c) => ({
          file: c.file,
          ok: c.pack !== null,
          ...(c.pack ? { id: c.pack.id, kind: c.pack.kind, format: c.pack.format, from: formatDay(c.pack.from), to: c.pack.to === null ? null : formatDay(c.pack.to) } : {}),
          problems: c.problems,
          warnings: c.warnings,
        })),
        overlap,
      }),
    );
  } else {
    for (const c of checked) {
      if (c.pack) {
        const p = c.pack;
        const size = p.plan
          ? `${p.plan.pack.awards.length} 项奖励、${p.plan.pack.targets.length} 项目标`
          : p.upkeep
            ? `${p.upkeep.rules.reasons.length} 项调出原因、${p.upkeep.rules.reminders.length} 项提醒`
            : `${p.rules?.conditions.length ?? p.rd?.conditions.length ?? 0} 项条件`;
        io.out(`✓ ${c.file}：${p.kindName}政策包“${p.id}”（${periodText(p)}），${size}，格式正确。`);
        for (const w of c.warnings) io.out(`  提示：${w}`);
      } else {
        io.out(`✗ ${c.file}：有误，不能载入（共 ${c.problems.length} 处）：`);
        for (const p of c.problems) io.out(`  ${problemText(p)}`);
      }
    }
    if (overlap) io.out(`✗ ${overlap}`);
    if (ok) io.out(`可以载入：kj … --policy ${files.join(" --policy ")}，或在任务窗格“政策”页载入。`);
  }
  if (!ok) io.err(`错误：${checked.filter((c) => !c.pack).length > 0 ? `${checked.filter((c) => !c.pack).length} 个政策包有误` : "政策包有效期重叠"}，见上`);
  return ok ? EXIT.ok : EXIT.unusable;
}

const FORMAT_NAMES: Record<string, LoadedPack["format"]> = {
  plan: "plan",
  计划: "plan",
  eligibility: "eligibility",
  认定条件: "eligibility",
  upkeep: "upkeep",
  动态管理: "upkeep",
  rdSubsidy: "rdSubsidy",
  rd: "rdSubsidy",
  研发补助: "rdSubsidy",
};

function schemaCommand(format: string | undefined, opts: { out?: string }, io: Io): number {
  if (opts.out !== undefined) {
    const dir = path.resolve(opts.out);
    try {
      fs.mkdirSync(dir, { recursive: true });
      for (const { file, schema } of Object.values(SCHEMA_FILES)) fs.writeFileSync(path.join(dir, file), JSON.stringify(schema, null, 2) + "\n");
    } catch (e) {
      throw new CliError("out_unwritable", `无法写入目录“${opts.out}”：${fileErrorReason(e)}`);
    }
    for (const { file } of Object.values(SCHEMA_FILES)) io.out(`已写出：${path.join(opts.out, file)}`);
    io.out(`在政策包开头写 "$schema": "./${SCHEMA_FILES.plan.file}"（认定条件政策包用 ./${SCHEMA_FILES.eligibility.file}，动态管理政策包用 ./${SCHEMA_FILES.upkeep.file}，研发补助政策包用 ./${SCHEMA_FILES.rdSubsidy.file}），并把政策包放在同一目录，编辑器即可检查。`);
    return EXIT.ok;
  }
  const f = format === undefined ? undefined : FORMAT_NAMES[format.trim()];
  if (!f) {
    throw new CliError(
      "bad_format",
      format === undefined ? "请写明格式 plan、eligibility、upkeep 或 rdSubsidy，或用 --out <目录> 写出全部 JSON Schema" : `未知的政策包格式“${format}”，可写 plan（计划）、eligibility（认定条件）、upkeep（动态管理）或 rdSubsidy（研发补助）`,
    );
  }
  io.out(JSON.stringify(SCHEMA_FILES[f].schema, null, 2));
  return EXIT.ok;
}

interface StoreOptions {
  out: string;
  remove?: string[];
  asOf?: string;
  json?: boolean;
}

async function storeCommand(file: string, packFiles: string[], opts: StoreOptions, io: Io): Promise<number> {
  const removeIds = opts.remove ?? [];
  if (packFiles.length === 0 && removeIds.length === 0) {
    throw new CliError("nothing_to_store", "请给出要保存的政策包文件，或用 --remove <编号> 移除已保存的政策包");
  }
  checkOutPath(opts.out);
  const today = parseDateOption(opts.asOf, "日期") ?? io.today();
  const packs = loadPolicyFiles(packFiles);
  const opened = await openForJob(file, undefined, io.err);
  const name = shownName(file);
  const removed: LoadedPack[] = [];
  for (const id of removeIds) {
    const r = removeStoredPackEdits(opened.snapshot, id, name);
    removed.push(...r.removed);
    await applyAndReread(opened, r.edits);
  }
  let registry: PolicyRegistry = buildRegistry(storedPacks(opened.snapshot, name).packs);
  let added: LoadedPack[] = [];
  let replaced: string[] = [];
  if (packs.length > 0) {
    const r = storePacksEdits(opened.snapshot, packs, today, packFiles.map((f) => path.basename(f)), name);
    await addEdits(opened, r.edits);
    registry = r.registry;
    added = r.added;
    replaced = r.replaced.map((x) => x.id);
  }
  const written = await saveResult(opened, opts.out, { recalcToday: today });
  printNotices(io, opened);
  const stored = registry.packs.filter((p) => p.origin.type === "workbook");
  if (opts.json) {
    io.out(JSON.stringify({ file, out: written, added: added.map(packSummary), replaced, removed: removed.map((p) => p.id), stored: stored.map(packSummary) }));
  } else {
    for (const p of added) io.out(`已保存：${p.id}（${p.kindName}，${periodText(p)}）${replaced.includes(p.id) ? "，替换了工作簿中原来同编号的政策包" : ""}`);
    for (const p of removed) io.out(`已移除：${p.id}（${periodText(p)}）`);
    io.out(`工作簿中保存的政策包：${stored.map((p) => `${p.id}（${periodText(p)}）`).join("、") || "无"}`);
    io.out(`已另存：${written}（政策包在隐藏的“KJ政策”工作表中，公式已按新政策重算；原文件未改动）`);
  }
  return EXIT.ok;
}
