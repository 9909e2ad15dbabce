/**
 * 镇街与通报 (计划 三（一）): each town's and department's attainment against the year's
 * allocation (the 目标分解 sheet), merging the ledgers other towns and departments sent in
 * (files picked by the user, previewed, then written into the open workbook), and the Word
 * bulletin (downloaded). The core jobs do the work; this page only shows and applies.
 */
import { dayFromParts, DayNumber, formatDay } from "../../src/dates";
import { readWorkbook } from "../../src/host/port";
import { Issue } from "../../src/jobs/types";
import { oneAtATime, Page, PaneContext, runAction, showNotice, UserMessage } from "../context";
import { el, replaceChildren } from "../dom";
import { allocationTemplateEdits, bulletinFile, download, mergePreview, MergePreview, PickedFile, unitsView, UnitsView } from "../towns";

function parseDay(text: string): DayNumber | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  return m ? dayFromParts(Number(m[1]), Number(m[2]), Number(m[3])) : null;
}

export function createTownsPage(ctx: PaneContext): Page {
  const dateInput = el("input", { attrs: { id: "towns-asof", type: "date", "aria-label": "统计截止日期" } });
  dateInput.value = formatDay(ctx.today());
  const day = (): DayNumber => {
    const d = parseDay(dateInput.value);
    if (d === null) throw new UserMessage("请先填写统计截止日期（年-月-日）。");
    return d;
  };

  // 各单位完成情况
  const refreshButton = el("button", { class: "btn", text: "刷新", title: "按截止日期统计各镇街、部门的分解目标完成情况（不写入）", attrs: { id: "towns-refresh", type: "button" } });
  const templateButton = el("button", { class: "btn", text: "新建“目标分解”表", title: "在工作簿中新建“目标分解”工作表（年度、指标、镇街、主管部门、目标数）", attrs: { id: "towns-template", type: "button" } });
  templateButton.hidden = true;
  const unitsNotice = el("div", { class: "notice", attrs: { id: "towns-units-notice" } });
  unitsNotice.hidden = true;
  const units = el("div", { attrs: { id: "towns-units" } });

  // 合并台账
  const fileInput = el("input", { attrs: { id: "towns-files", type: "file", multiple: "", accept: ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "aria-label": "要合并的工作簿" } });
  const previewButton = el("button", { class: "btn", text: "预览合并", attrs: { id: "towns-merge-preview", type: "button" } });
  const mergeButton = el("button", { class: "btn btn-primary", text: "合并到当前工作簿", attrs: { id: "towns-merge", type: "button" } });
  mergeButton.disabled = true;
  const mergeNotice = el("div", { class: "notice", attrs: { id: "towns-merge-notice" } });
  mergeNotice.hidden = true;
  const mergeResult = el("div", { attrs: { id: "towns-merge-result" } });

  // 通报
  const reportButton = el("button", { class: "btn btn-primary", text: "生成 Word 通报", title: "按截止日期生成进展通报（.docx），下载到本机", attrs: { id: "towns-report", type: "button" } });
  const reportNotice = el("div", { class: "notice", attrs: { id: "towns-report-notice" } });
  reportNotice.hidden = true;

  const root = el("section", { class: "page", attrs: { id: "page-towns", "aria-label": "镇街与通报" } }, [
    el("div", { class: "field-row" }, [el("label", { text: "统计截止日期", attrs: { for: "towns-asof" } }), dateInput]),
    el("h2", { class: "section-title", text: "各镇街、部门完成情况" }),
    el("p", { class: "hint", text: "按“目标分解”工作表（年度、指标、镇街或主管部门、目标数）统计各单位的实际数、完成率和排名，口径同全区。" }),
    el("div", { class: "button-row" }, [refreshButton, templateButton]),
    unitsNotice,
    units,
    el("h2", { class: "section-title", text: "合并镇街、部门报来的台账" }),
    el("p", { class: "hint", text: "选择其他工作簿（可多选），先预览再合并：每家企业（统一社会信用代码）一行，冲突保留当前工作簿的值并列在“合并冲突”工作表，每行写上“来源文件”。所选文件不会被修改。" }),
    el("div", { class: "field-row" }, [fileInput]),
    el("div", { class: "button-row" }, [previewButton, mergeButton]),
    mergeNotice,
    mergeResult,
    el("h2", { class: "section-title", text: "进展通报" }),
    el("p", { class: "hint", text: "生成 Word 通报：全区完成情况、各镇街和部门的完成率与排名（附完成率图）、滞后指标。数字与“目标完成情况”工作表相同。" }),
    el("div", { class: "button-row" }, [reportButton]),
    reportNotice,
  ]);

  const select = (i: Issue) => void runAction([], unitsNotice, () => ctx.host.select(i.sheet, i.row, Math.max(1, i.col)));

  function renderUnits(v: UnitsView): void {
    templateButton.hidden = v.sheet !== null;
    if (v.sheet === null) {
      replaceChildren(units, [el("p", { class: "notice notice-info", attrs: { id: "towns-no-allocation" }, text: "工作簿中还没有“目标分解”工作表。可点“新建“目标分解”表”，每行填一个单位一项指标的年度目标数。" })]);
      return;
    }
    const parts: HTMLElement[] = [];
    if (v.groups.length === 0) parts.push(el("p", { class: "hint", text: `“${v.sheet}”中没有可采用的行。` }));
    for (const g of v.groups) {
      parts.push(
        el("table", { class: "grid-table towns-ranking", attrs: { "data-kind": g.label } }, [
          el("caption", { text: `${v.year} 年${g.label}排名` }),
          el("thead", {}, [el("tr", {}, ["排名", g.label, "综合完成率", "已达成", "未完成的指标"].map((h) => el("th", { text: h })))]),
          el(
            "tbody",
            {},
            g.rows.map((r) =>
              el("tr", { attrs: { "data-unit": r.unit } }, [
                el("td", { class: "num", text: r.rank }),
                el("td", { text: r.unit }),
                el("td", { class: "num", text: r.completion }),
                el("td", { class: "num", text: `${r.reached}/${r.allocations}` }),
                el("td", { text: r.behind }),
              ]),
            ),
          ),
        ]),
      );
    }
    if (v.issues.length > 0) {
      parts.push(
        el("div", { attrs: { id: "towns-issues" } }, [
          el("p", { class: "notice notice-error", text: `“${v.sheet}”中有 ${v.issues.length} 行未采用（点击定位）：` }),
          el(
            "ul",
            { class: "issue-list" },
            v.issues.map((i) => {
              const b = el("button", { class: "btn btn-link", text: `第 ${i.row} 行${i.column ? ` ${i.column} 列` : ""}：${i.message}`, attrs: { type: "button" } });
              b.addEventListener("click", () => select(i));
              return el("li", {}, [b]);
            }),
          ),
        ]),
      );
    }
    parts.push(el("p", { class: "hint", text: v.rule }));
    replaceChildren(units, parts);
  }

  async function refresh(): Promise<void> {
    showNotice(unitsNotice, "info", "");
    renderUnits(unitsView(await readWorkbook(ctx.host), day()));
  }

  async function createTemplate(): Promise<void> {
    const edits = allocationTemplateEdits(await readWorkbook(ctx.host));
    if (edits.length > 0) {
      await ctx.host.apply(edits);
      ctx.changed();
      await ctx.host.select("目标分解", 2, 1);
    }
    await refresh();
    showNotice(unitsNotice, "success", "已新建“目标分解”工作表，填好后点“刷新”。");
  }

  let preview: MergePreview | null = null;

  async function picked(): Promise<PickedFile[]> {
    const files = [...(fileInput.files ?? [])];
    const out: PickedFile[] = [];
    for (const f of files) out.push({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) });
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
    ]);
  }

  async function previewMerge(): Promise<void> {
    showNotice(mergeNotice, "info", "正在读取所选文件…");
    preview = await mergePreview(await readWorkbook(ctx.host), await picked());
    renderMerge(preview, false);
    mergeButton.disabled = false;
    showNotice(mergeNotice, "info", "以上是预览，尚未写入。确认后点“合并到当前工作簿”。");
  }

  async function merge(): Promise<void> {
    // Computed again on the workbook as it is now, so nothing typed since the preview is lost.
    const fresh = await mergePreview(await readWorkbook(ctx.host), await picked());
    await ctx.host.apply(fresh.edits);
    ctx.changed();
    preview = null;
    mergeButton.disabled = true;
    renderMerge(fresh, true);
    const added = fresh.report.ledgers.reduce((n, l) => n + l.added, 0);
    showNotice(mergeNotice, fresh.report.conflicts.length || fresh.report.unidentified.length ? "info" : "success", `已合并：新增 ${added} 行，冲突 ${fresh.report.conflicts.length} 处（见“合并冲突”工作表）。`);
  }

  async function report(): Promise<void> {
    const f = await bulletinFile(await readWorkbook(ctx.host), day(), (stage) => showNotice(reportNotice, "info", `正在${stage}…`));
    download(f.name, f.bytes);
    showNotice(reportNotice, "success", `已生成“${f.name}”（在浏览器的下载中）。`);
  }

  refreshButton.addEventListener("click", oneAtATime([refreshButton], unitsNotice)(refresh));
  templateButton.addEventListener("click", oneAtATime([templateButton], unitsNotice)(createTemplate));
  previewButton.addEventListener("click", oneAtATime([previewButton, mergeButton], mergeNotice, () => (mergeButton.disabled = preview === null))(previewMerge));
  mergeButton.addEventListener("click", oneAtATime([previewButton, mergeButton], mergeNotice, () => (mergeButton.disabled = preview === null))(merge));
  fileInput.addEventListener("change", () => {
    preview = null;
    mergeButton.disabled = true;
    replaceChildren(mergeResult, []);
    showNotice(mergeNotice, "info", "");
  });
  reportButton.addEventListener("click", oneAtATime([reportButton], reportNotice)(report));

  return { title: "镇街与通报", id: "towns", root, shown: () => runAction([refreshButton], unitsNotice, refresh) };
}
