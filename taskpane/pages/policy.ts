/**
 * 政策: the policy packs the workbook computes with, for its dates (the award ledgers' 认定日期
 * and the as-of date), the dates no pack covers, and loading a pack file the clerk chooses.
 * Choosing a file only checks it (every problem with its field path and line, as `kj policy
 * check`); 保存到工作簿 then stores the pack in the workbook's very hidden KJ政策 sheet, so
 * another PC, the other host and `kj` compute the same values from the same file. A stored pack
 * can be removed (asked first) and the removal undone. After each change the functions' packs
 * are updated (Excel's shared runtime) and the workbook recalculated (Excel, WPS).
 */
import { readWorkbook } from "../../src/host/port";
import { LoadedPack, PolicyRegistry } from "../../src/policy/registry";
import { setWorkbookPolicies } from "../../functions/policies";
import { actionRunner, applyEdits, Page, PaneContext, showNotice, UserMessage } from "../context";
import { el, replaceChildren } from "../dom";
import { checkChosenPack, ChosenPack, PackLine, policyPageView, PolicyPageView, removePackPlan, storePackPlan } from "../jobs";
import { actionBar } from "../parts/action-bar";
import { dateField } from "../parts/date-field";
import { stateBox } from "../parts/states";

/** A chosen file's text (FileReader: older WPS builds embed a Chromium without File.text()). */
function readText(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result ?? ""));
    reader.onerror = () => reject(new UserMessage(`无法读取文件“${file.name}”`));
    reader.readAsText(file, "utf-8");
  });
}

export function createPolicyPage(ctx: PaneContext): Page {
  const asOf = dateField("policy-asof", ctx.today(), () => void run.now("正在读取…", refresh));
  const refreshButton = el("button", { class: "btn", text: "刷新", title: "重新读取工作簿中的政策包和日期（不写入）", attrs: { id: "policy-refresh", type: "button" } });
  const fileInput = el("input", { attrs: { id: "policy-file", type: "file", accept: ".json,application/json", "aria-label": "选择政策包文件（JSON）" } });
  const chooseButton = el("button", { class: "btn", text: "选择政策包文件…", title: "选择一个政策包文件（.json）检查，确认后再保存", attrs: { id: "policy-choose", type: "button" } });
  fileInput.hidden = true;
  const coverage = el("div", { attrs: { id: "policy-coverage" } });
  const problems = el("div", { attrs: { id: "policy-problems" } });
  const chosenBox = el("div", { attrs: { id: "policy-chosen" } });
  const inUse = el("div", { attrs: { id: "policy-in-use" } });
  const others = el("div", { attrs: { id: "policy-others" } });

  const writeButton = el("button", { class: "btn btn-primary", text: "保存到工作簿", title: "把选中的政策包保存到本工作簿，公式随即重算", attrs: { id: "policy-write", type: "button" } });
  const undoButton = el("button", { class: "btn", text: "撤销上次移除", title: "把上次移除的政策包放回本工作簿", attrs: { id: "policy-undo", type: "button" } });
  undoButton.hidden = true;
  const notice = el("div", { class: "notice", attrs: { id: "policy-notice" } });
  notice.hidden = true;
  const bar = actionBar("policy", [writeButton, chooseButton, undoButton], notice);

  const root = el("section", { class: "page", attrs: { id: "page-policy", "aria-label": "政策" } }, [
    el("div", { class: "page-body" }, [
      el("p", {
        class: "hint",
        attrs: { id: "policy-hint" },
        text:
          "奖励金额、目标、认定条件都按政策包计算。有新的计划或政策时，载入它的政策包（JSON 文件）即可，不用改程序；" +
          "政策包保存在本工作簿中（隐藏的“KJ政策”表），在另一台电脑、Excel 与 WPS 中打开或用命令行 kj 处理本文件，都按同样的政策计算。",
      }),
      asOf.element,
      el("div", { class: "button-row" }, [refreshButton, fileInput]),
      coverage,
      problems,
      chosenBox,
      inUse,
      others,
    ]),
    bar.root,
  ]);

  let view: PolicyPageView | null = null;
  let chosen: ChosenPack | null = null;
  let lastRemoved: { packs: LoadedPack[]; files: string[] } | null = null;
  const buttons = [writeButton, chooseButton, undoButton, refreshButton];

  function settle(): void {
    writeButton.disabled = !(chosen && chosen.ok);
    undoButton.hidden = lastRemoved === null;
    if (!view) {
      bar.setStatus(["正在读取…"]);
      bar.setWrite(null);
      return;
    }
    bar.setStatus([
      `政策包 ${view.inUse.length + view.others.length} 个：内置 ${view.counts.builtin} 个，本工作簿 ${view.counts.stored} 个`,
      view.uncovered.length ? el("span", { class: "status-bad", text: `；${view.uncovered.length} 处日期没有适用的政策包` }) : null,
    ]);
    bar.setWrite(chosen && chosen.ok && view ? storeText(chosen) : null);
  }

  function storeText(c: ChosenPack & { ok: true }): string | null {
    try {
      return storePackPlanFor(c).text;
    } catch {
      return null;
    }
  }

  let lastWorkbook: Awaited<ReturnType<typeof readWorkbook>> | null = null;
  function storePackPlanFor(c: ChosenPack & { ok: true }) {
    if (!lastWorkbook) throw new UserMessage("请先刷新");
    return storePackPlan(lastWorkbook, c.pack, c.file, ctx.today());
  }

  async function refresh(): Promise<void> {
    showNotice(notice, "info", "");
    lastWorkbook = await readWorkbook(ctx.host);
    view = policyPageView(lastWorkbook, asOf.value());
    render(view);
  }

  function render(v: PolicyPageView): void {
    replaceChildren(coverage, [
      v.uncovered.length
        ? stateBox(
            "error",
            "这些日期没有适用的政策包，相关奖励和目标无法计算（显示 #N/A）：",
            [el("ul", {}, v.uncovered.map((u) => el("li", { text: u }))), el("p", { class: "hint", text: "请载入覆盖这些日期的政策包（如新的行动计划，或延续原标准的决定）。" })],
            "policy-uncovered",
          )
        : el("p", { class: "status-done", attrs: { id: "policy-covered" }, text: `本工作簿的日期（评价日 ${v.asOf} 与奖励台账的认定日期）都有适用的政策包。` }),
    ]);
    replaceChildren(problems, [v.problems.length ? stateBox("error", "本工作簿中保存的政策包有误，未使用：", [el("ul", {}, v.problems.map((p) => el("li", { text: p })))], "policy-stored-problems") : null]);
    replaceChildren(inUse, [el("h3", { text: "本工作簿用到的政策包" }), packTable("policy-in-use-table", v.inUse)]);
    replaceChildren(others, v.others.length ? [el("h3", { text: "其他政策包（本工作簿的日期用不到）" }), packTable("policy-others-table", v.others)] : []);
    renderChosen();
  }

  function renderChosen(): void {
    if (!chosen) {
      replaceChildren(chosenBox);
      return;
    }
    if (!chosen.ok) {
      replaceChildren(chosenBox, [
        stateBox("error", `“${chosen.file}”有误，不能载入（共 ${chosen.problems.length} 处）：`, [el("ul", { attrs: { id: "policy-chosen-problems" } }, chosen.problems.map((p) => el("li", { text: p })))], "policy-chosen-bad"),
      ]);
      return;
    }
    let clash: string | null = null;
    try {
      storePackPlanFor(chosen);
    } catch (e) {
      clash = e instanceof Error ? e.message : String(e);
    }
    replaceChildren(chosenBox, [
      clash
        ? stateBox("error", `“${chosen.file}”格式正确，但不能保存：`, [el("p", { text: clash })], "policy-chosen-clash")
        : stateBox("info", `已检查“${chosen.file}”：政策包“${chosen.pack.id}”，格式正确，尚未保存。`, [el("ul", {}, chosen.summary.map((s) => el("li", { text: s })))], "policy-chosen-ok"),
    ]);
    if (clash) chosen = { ok: false, file: chosen.file, problems: [clash] };
  }

  function packTable(id: string, lines: readonly PackLine[]): HTMLElement {
    return el("table", { class: "grid-table", attrs: { id } }, [
      el("thead", {}, [el("tr", {}, [el("th", { text: "政策包" }), el("th", { text: "有效期" }), el("th", { text: "来源" })])]),
      el(
        "tbody",
        {},
        lines.map((l) =>
          el("tr", { attrs: { "data-id": l.id } }, [
            el("td", {}, [
              el("span", { class: "line-label", text: l.title }),
              l.provisional ? el("span", { class: "badge badge-warning", text: "暂定" }) : null,
              el("span", { class: "cite", text: `${l.kindName} · ${l.id}${l.issuer ? ` · ${l.issuer}` : ""}` }),
              el("span", { class: "cite", text: `出处：${l.source}` }),
              l.note ? el("span", { class: "cite", text: `备注：${l.note}` }) : null,
            ]),
            el("td", { text: l.period }),
            el("td", {}, [
              el("span", { text: l.origin }),
              l.stored ? removeButton(l) : null,
            ]),
          ]),
        ),
      ),
    ]);
  }

  function removeButton(l: PackLine): HTMLButtonElement {
    const b = el("button", { class: "btn btn-small", text: "移除", title: `从本工作簿移除政策包“${l.id}”`, attrs: { type: "button", "data-remove": l.id } });
    b.addEventListener("click", run("正在移除…", () => remove(l)));
    return b;
  }

  /** After the packs changed: the functions' packs (Excel's shared runtime), a recalculation, a fresh view. */
  async function changed(registry: PolicyRegistry): Promise<void> {
    setWorkbookPolicies(registry);
    if (ctx.host.recalculate) {
      bar.busy.start("正在按新的政策重算公式…");
      await ctx.host.recalculate();
    }
    await refresh();
  }

  async function choose(): Promise<void> {
    const file = fileInput.files?.[0];
    if (!file) return;
    chosen = checkChosenPack(await readText(file), file.name);
    fileInput.value = "";
    if (!lastWorkbook) lastWorkbook = await readWorkbook(ctx.host);
    renderChosen();
    showNotice(notice, chosen.ok ? "info" : "error", chosen.ok ? `已检查“${chosen.file}”，点“保存到工作簿”载入。` : `“${chosen.file}”有误，未载入，见上方说明。`);
  }

  async function write(): Promise<void> {
    if (!chosen || !chosen.ok) throw new UserMessage("请先选择一个政策包文件。");
    const c = chosen;
    lastWorkbook = await readWorkbook(ctx.host);
    const plan = storePackPlan(lastWorkbook, c.pack, c.file, ctx.today());
    await applyEdits(ctx, plan.edits, bar.busy);
    chosen = null;
    await changed(plan.registry);
    showNotice(notice, "success", `已保存政策包“${c.pack.id}”（${c.pack.kindName}）到本工作簿，公式已按新的政策重算。`);
  }

  async function remove(l: PackLine): Promise<void> {
    const ok = await bar.confirm({
      question: "从本工作簿移除这个政策包？",
      items: [`${l.title}（${l.id}，${l.period}）`],
      note: "只移除本工作簿中的副本，政策包文件不受影响；可点“撤销上次移除”放回。",
      confirmText: "移除",
    });
    if (!ok) return;
    lastWorkbook = await readWorkbook(ctx.host);
    const plan = removePackPlan(lastWorkbook, l.id);
    await applyEdits(ctx, plan.edits, bar.busy);
    lastRemoved = { packs: plan.removed, files: plan.loadedFrom };
    await changed(plan.registry);
    showNotice(notice, "success", `已从本工作簿移除政策包“${l.id}”。`);
  }

  async function undo(): Promise<void> {
    if (!lastRemoved) return;
    const wb = await readWorkbook(ctx.host);
    const { packs, files } = lastRemoved;
    let registry: PolicyRegistry | null = null;
    for (let i = 0; i < packs.length; i++) {
      const plan = storePackPlan(i === 0 ? wb : await readWorkbook(ctx.host), packs[i], files[i] ?? "", ctx.today());
      await applyEdits(ctx, plan.edits, bar.busy);
      registry = plan.registry;
    }
    lastRemoved = null;
    if (registry) await changed(registry);
    showNotice(notice, "success", `已放回政策包“${packs.map((p) => p.id).join("、")}”。`);
  }

  const run = actionRunner(buttons, notice, bar.busy, settle);
  refreshButton.addEventListener("click", run("正在读取…", refresh));
  chooseButton.addEventListener("click", () => fileInput.click());
  fileInput.addEventListener("change", run("正在检查政策包…", choose));
  writeButton.addEventListener("click", run("正在保存政策包…", write));
  undoButton.addEventListener("click", run("正在放回…", undo));
  settle();

  return { title: "政策", id: "policy", root, shown: () => run.now("正在读取…", refresh) };
}
