/**
 * 镇街与通报 (计划 三（一）"每年年初将全区年度目标任务分解到各相关部门和各镇街，定期督导检查，
 * 适时通报进展情况"). Opens on a preview, as every page (docs/pane.md): each town's and
 * department's rank and completion against the year's 目标分解, its rows that cannot be used
 * (each clickable). Merging: the workbooks the clerk picks are read in the pane (File API, the
 * same package policy and reader as the CLI) and previewed; 合并到当前工作簿 writes the merge
 * (the action bar says where). 生成 Word 通报 downloads the bulletin; it writes nothing.
 */
import { readWorkbook } from "../../src/host/port";
import { formatCount } from "../../src/format";
import { actionRunner, applyEdits, Page, PaneContext, runAction, showNotice } from "../context";
import { el, replaceChildren } from "../dom";
import { actionBar } from "../parts/action-bar";
import { dateField } from "../parts/date-field";
import { CellRef, cellButton } from "../parts/lists";
import { stateBox } from "../parts/states";
import { allocationTemplateEdits, bulletinFile, download, mergePreview, MergePreview, openWorkbookName, PickedFile, unitsView, UnitsView } from "../towns";

export function createTownsPage(ctx: PaneContext): Page {
  const asOf = dateField("towns-asof", ctx.today(), () => void run.now("正在重新统计…", refresh), "统计截止日期");
  const refreshButton = el("button", { class: "btn", text: "刷新", title: "按截止日期重新统计各镇街、部门的完成情况（不写入）", attrs: { id: "towns-refresh", type: "button" } });
  const templateButton = el("button", { class: "btn", text: "新建“目标分解”表", title: "新建“目标分解”工作表，表头为 年度、指标、镇街、主管部门、目标数", attrs: { id: "towns-template", type: "button" } });
  templateButton.hidden = true;
  const basis = el("p", { class: "basis", attrs: { id: "towns-basis" } });
  const units = el("div", { class: "table-scroll", attrs: { id: "towns-units" } });

  const fileInput = el("input", { attrs: { id: "towns-files", type: "file", multiple: "", accept: ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "aria-label": "要合并的工作簿" } });
  const previewButton = el("button", { class: "btn", text: "预览合并", title: "读取所选工作簿，列出合并后新增的行和冲突（不写入）", attrs: { id: "towns-merge-preview", type: "button" } });
  const mergeResult = el("div", { attrs: { id: "towns-merge-result" } });

  const mergeButton = el("button", { class: "btn btn-primary", text: "合并到当前工作簿", attrs: { id: "towns-merge", type: "button" } });
  const reportButton = el("button", { class: "btn", text: "生成 Word 通报", title: "按截止日期生成进展通报（.docx），下载到本机；不改动工作簿", attrs: { id: "towns-report", type: "button" } });
  const notice = el("div", { class: "notice", attrs: { id: "towns-notice" } });
  notice.hidden = true;
  const bar = actionBar("towns", [mergeButton, reportButton], notice);

  const root = el("section", { class: "page", attrs: { id: "page-towns", "aria-label": "镇街与通报" } }, [
    el("div", { class: "page-body" }, [
      asOf.element,
      el("div", { class: "button-row" }, [refreshButton, templateButton]),
      basis,
      el("h2", { class: "section-title", text: "各镇街、部门完成情况" }),
      units,
      el("h2", { class: "section-title", text: "合并镇街、部门报来的台账" }),
      el("p", {
        class: "hint",
        text: "选择其他工作簿（可多选，只在本机读取，不会被修改），先预览：每家企业（统一社会信用代码）一行，冲突保留当前工作簿的值并列在“合并冲突”工作表，每行写上“来源文件”；当前工作簿原有的行不删不改。",
      }),
      el("div", { class: "field-row" }, [fileInput]),
      el("div", { class: "button-row" }, [previewButton]),
      mergeResult,
    ]),
    bar.root,
  ]);

  let view: UnitsView | null = null;
  let preview: MergePreview | null = null;
  const buttons = [mergeButton, reportButton, refreshButton, templateButton, previewButton];

  function settle(): void {
    mergeButton.disabled = preview === null;
    reportButton.disabled = view === null || !view.counted;
    if (!view) {
      bar.setStatus(["正在统计…"]);
      bar.setWrite(null);
      return;
    }
    const groups = view.groups.map((g) => `${g.label} ${g.rows.length} 个`);
    bar.setStatus(
      view.sheet === null
        ? [el("span", { class: "status-bad", text: "没有“目标分解”工作表：各单位无法与分解目标对比。" })]
        : [
            view.year === null ? "没有可采用的分解" : `${view.year} 年：${groups.join("，") || "没有可采用的分解"}`,
            view.issues.length ? el("span", { class: "status-bad", text: `；“${view.sheet}”有 ${formatCount(view.issues.length)} 行未采用` }) : null,
          ],
    );
    bar.setWrite(preview ? preview.writeText : null);
  }

  const select = (ref: CellRef) => void runAction([], notice, () => ctx.host.select(ref.sheet, ref.row, Math.max(1, ref.col)));

  function render(v: UnitsView): void {
    replaceChildren(basis, ["依据：", el("span", { class: "basis-title", text: `《${v.policy.title}》` }), `三（一）年度目标任务分解；统计截止 ${v.asOf}。${v.rule}`]);
    templateButton.hidden = v.sheet !== null;
    if (v.sheet === null) {
      replaceChildren(units, [
        stateBox("info", "工作簿中还没有“目标分解”工作表。", [el("p", { text: "点“新建“目标分解”表”，每行填一个镇街或部门、一项指标的年度目标数（年度、指标、镇街或主管部门、目标数）。" })], "towns-no-allocation"),
      ]);
      return;
    }
    const parts: (HTMLElement | null)[] = [];
    if (v.groups.length === 0) parts.push(stateBox("warning", `“${v.sheet}”中没有可采用的行。`, [], "towns-no-rows"));
    for (const g of v.groups) {
      parts.push(
        el("table", { class: "grid-table towns-ranking", attrs: { "data-kind": g.label } }, [
          el("caption", { text: `${v.year} 年${g.label}排名` }),
          el("thead", {}, [el("tr", {}, [el("th", { class: "num", text: "排名" }), el("th", { text: g.label }), el("th", { class: "num", text: "综合完成率" }), el("th", { class: "num", text: "已达成" }), el("th", { text: "未完成的指标" })])]),
          el(
            "tbody",
            {},
            g.rows.map((r) =>
              el("tr", { attrs: { "data-unit": r.unit } }, [
                el("td", { class: "num", text: r.rank }),
                el("td", { text: r.unit }),
                el("td", { class: "num", text: r.completion }),
                el("td", { class: "num", text: `${formatCount(r.reached)}/${formatCount(r.allocations)}` }),
                el("td", { text: r.behind }),
              ]),
            ),
          ),
        ]),
      );
    }
    if (v.issues.length > 0) {
      parts.push(
        el("details", { class: "unreadable", attrs: { id: "towns-issues", open: "" } }, [
          el("summary", { text: `“${v.sheet}”中有 ${formatCount(v.issues.length)} 行未采用（点单元格可定位）` }),
          el(
            "ul",
            { class: "flag-list" },
            v.issues.map((i) => el("li", {}, [cellButton({ sheet: i.sheet, row: i.row, col: i.col, where: i.column ? `${i.column}${i.row}` : `第 ${i.row} 行`, label: i.field, message: i.message, severity: i.severity }, select)])),
          ),
        ]),
      );
    }
    replaceChildren(units, parts);
  }

  async function refresh(): Promise<void> {
    showNotice(notice, "info", "");
    view = unitsView(await readWorkbook(ctx.host), asOf.value());
    render(view);
  }

  async function createTemplate(): Promise<void> {
    const edits = allocationTemplateEdits(await readWorkbook(ctx.host));
    if (edits.length > 0) {
      await applyEdits(ctx, edits, bar.busy);
      await ctx.host.select("目标分解", 2, 1);
    }
    view = unitsView(await readWorkbook(ctx.host), asOf.value());
    render(view);
    showNotice(notice, "success", "已新建“目标分解”工作表：每行填一个单位一项指标的年度目标数，填好后点“刷新”。");
  }

  async function picked(): Promise<PickedFile[]> {
    const out: PickedFile[] = [];
    for (const f of [...(fileInput.files ?? [])]) out.push({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) });
    return out;
  }

  function renderMerge(p: MergePreview, written: boolean): void {
    const conflicts = p.report.conflicts.slice(0, 20).map((c) =>
      el("li", { text: `${c.ledger} ${[c.code, c.name].filter((x) => x).join(" ")}：${c.column} ${c.values.map((v) => `${v.file}“${v.value}”`).join(" / ")}` }),
    );
    replaceChildren(mergeResult, [
      el("ul", { class: "merge-lines", attrs: { id: "towns-merge-lines" } }, p.lines.map((l) => el("li", { text: l }))),
      conflicts.length ? el("p", { class: "hint", text: written ? "冲突（保留当前工作簿的值，全部列在“合并冲突”工作表）：" : "冲突（合并时保留当前工作簿的值）：" }) : null,
      conflicts.length ? el("ul", { class: "merge-conflicts", attrs: { id: "towns-merge-conflicts" } }, conflicts) : null,
      p.report.conflicts.length > conflicts.length ? el("p", { class: "hint", text: `……另有 ${formatCount(p.report.conflicts.length - conflicts.length)} 处，合并后见“合并冲突”工作表。` }) : null,
    ]);
  }

  async function previewMerge(): Promise<void> {
    preview = null;
    preview = await mergePreview(await readWorkbook(ctx.host), await picked(), openWorkbookName(ctx.mode));
    renderMerge(preview, false);
    showNotice(notice, "info", "以上是合并预览，尚未写入。确认后点“合并到当前工作簿”。");
  }

  async function merge(): Promise<void> {
    // Computed again on the workbook as it is now, so nothing typed since the preview is lost.
    const fresh = await mergePreview(await readWorkbook(ctx.host), await picked(), openWorkbookName(ctx.mode));
    await applyEdits(ctx, fresh.edits, bar.busy);
    preview = null;
    renderMerge(fresh, true);
    view = unitsView(await readWorkbook(ctx.host), asOf.value());
    render(view);
    const added = fresh.report.ledgers.reduce((n, l) => n + l.added, 0);
    showNotice(
      notice,
      fresh.report.conflicts.length || fresh.report.unidentified.length ? "info" : "success",
      `已合并：新增 ${formatCount(added)} 行，冲突 ${formatCount(fresh.report.conflicts.length)} 处，无有效代码的行 ${formatCount(fresh.report.unidentified.length)} 行（见“合并冲突”工作表）。`,
    );
  }

  async function report(): Promise<void> {
    const f = await bulletinFile(await readWorkbook(ctx.host), asOf.value(), (stage) => bar.busy.start(`正在${stage}…`));
    download(f.name, f.bytes);
    showNotice(notice, "success", `已生成“${f.name}”（在浏览器的下载中；工作簿未改动）。`);
  }

  const run = actionRunner(buttons, notice, bar.busy, settle);
  refreshButton.addEventListener("click", run("正在读取台账…", refresh));
  templateButton.addEventListener("click", run("正在新建…", createTemplate));
  previewButton.addEventListener("click", run("正在读取所选工作簿…", previewMerge));
  mergeButton.addEventListener("click", run("正在合并…", merge));
  reportButton.addEventListener("click", run("正在生成通报…", report));
  fileInput.addEventListener("change", () => {
    preview = null;
    replaceChildren(mergeResult, []);
    showNotice(notice, "info", "");
    settle();
  });
  settle();

  return { title: "镇街与通报", id: "towns", root, shown: () => run.now("正在读取台账…", refresh) };
}

