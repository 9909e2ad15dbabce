/**
 * 研发补助 (计划 二（四）1; DOMAIN §10): for a data year (last year's R&D by default), opens on what
 * the 研发费用台账 comes to under both schemes — a preview, nothing written — with the policies
 * named as text (and whether they hold provisional values), the totals by scheme and by town, and
 * every enterprise of the year with its provincial and municipal subsidy and the reasons. The rows
 * that cannot be computed and the cells to finish are listed, each clickable. 写入工作簿 then fills
 * the =KJ.RDSUBSIDY formulas in two columns and writes the 研发补助汇总 sheet.
 */
import { yearOf } from "../../src/dates";
import { readWorkbook } from "../../src/host/port";
import { formatCount, formatWan, WAN_UNIT } from "../../src/format";
import { actionRunner, applyEdits, Page, PaneContext, runAction, showNotice, UserMessage } from "../context";
import { el, replaceChildren } from "../dom";
import { rdHint, RdLine, RdSchemeResult, RdTotalView, rdView, RdView } from "../jobs";
import { actionBar } from "../parts/action-bar";
import { cellButton, CellRef, countBy, filterChips } from "../parts/lists";
import { missingLedgerBox, stateBox } from "../parts/states";

/** How many enterprises the list shows at once (a ledger may hold thousands). */
export const RD_LINES_SHOWN = 200;

const STATUS_LABELS: Record<RdLine["status"], string> = { granted: "获补助", unknown: "无法计算", none: "无补助" };

/** "2024", "２０２４", "2024年", "2024年度" -> 2024; else null. */
export function parseYearText(text: string): number | null {
  const m = /^(\d{4})(年度?)?$/.exec(text.normalize("NFKC").replace(/\s+/g, ""));
  if (!m) return null;
  const y = Number(m[1]);
  return y >= 2000 && y <= 2100 ? y : null;
}

export function createRdSubsidyPage(ctx: PaneContext): Page {
  const yearInput = el("input", {
    class: "date-input year-input",
    attrs: { id: "rd-year", type: "text", inputmode: "numeric", autocomplete: "off", placeholder: "如 2024", "aria-describedby": "rd-year-hint", spellcheck: "false" },
  });
  // The subsidy is paid on last year's R&D.
  yearInput.value = String(yearOf(ctx.today()) - 1);
  const yearRow = el("div", { class: "field-row" }, [
    el("label", { text: "研发费用年度", attrs: { for: "rd-year" } }),
    yearInput,
    el("span", { class: "hint date-hint", text: "补助哪一年的研发费用（四位年份）", attrs: { id: "rd-year-hint" } }),
  ]);
  const refreshButton = el("button", { class: "btn", text: "刷新", title: "重新读取研发费用台账并计算（不写入）", attrs: { id: "rd-refresh", type: "button" } });
  const basis = el("div", { class: "basis", attrs: { id: "rd-basis" } });
  const state = el("div", { attrs: { id: "rd-state" } });
  const totals = el("div", { attrs: { id: "rd-totals" } });
  const linesTitle = el("h3", { attrs: { id: "rd-lines-title" } });
  const linesList = el("ul", { class: "suggestion-list", attrs: { id: "rd-lines" } });
  const linesMore = el("p", { class: "hint", attrs: { id: "rd-lines-more" } });
  const filter = filterChips("rd-filter", "按结果筛选", () => renderLines());
  const flaggedTitle = el("h3", { attrs: { id: "rd-flagged-title" } });
  const flaggedList = el("ul", { class: "flag-list", attrs: { id: "rd-flagged" } });

  const writeButton = el("button", { class: "btn btn-primary", text: "写入工作簿", title: "填入 KJ.RDSUBSIDY 公式并写入“研发补助汇总”", attrs: { id: "rd-write", type: "button" } });
  const openButton = el("button", { class: "btn", text: "查看“研发补助汇总”", attrs: { id: "rd-open", type: "button" } });
  openButton.hidden = true;
  const notice = el("div", { class: "notice", attrs: { id: "rd-notice" } });
  notice.hidden = true;
  const bar = actionBar("rd", [writeButton, openButton], notice);

  const root = el("section", { class: "page", attrs: { id: "page-rd", "aria-label": "研发补助" } }, [
    el("div", { class: "page-body" }, [
      el("p", { class: "hint", text: rdHint(), attrs: { id: "rd-hint" } }),
      yearRow,
      el("div", { class: "button-row" }, [refreshButton]),
      basis,
      state,
      totals,
      flaggedTitle,
      flaggedList,
      linesTitle,
      filter.root,
      linesList,
      linesMore,
    ]),
    bar.root,
  ]);

  let view: RdView | null = null;
  const buttons = [writeButton, refreshButton, openButton];

  function year(): number {
    const text = yearInput.value.trim();
    const y = parseYearText(text);
    yearInput.setAttribute("aria-invalid", y === null ? "true" : "false");
    if (y === null) throw new UserMessage(text === "" ? "请先填写研发费用年度（四位年份，如 2024）。" : `研发费用年度“${text}”不是四位年份，请填写如 2024。`);
    yearInput.value = String(y);
    return y;
  }

  function settle(): void {
    writeButton.disabled = !view?.write;
    if (!view) {
      bar.setStatus(["正在计算…"]);
      bar.setWrite(null);
      return;
    }
    if (view.sheets.length === 0) {
      bar.setStatus([el("span", { class: "status-bad", text: "没有研发费用台账，无法计算。" })]);
      bar.setWrite(null);
      return;
    }
    const unknown = view.lines.filter((l) => l.status === "unknown").length;
    bar.setStatus([
      `${view.year} 年度 ${formatCount(view.lines.length)} 家，合计 `,
      el("strong", { class: "amount", text: `${formatWan(view.totals.both)}\u00a0${WAN_UNIT}`, attrs: { id: "rd-bar-total" } }),
      unknown ? el("span", { class: "status-bad", text: `，${unknown} 家无法计算` }) : null,
    ]);
    bar.setWrite(view.write?.text ?? null);
  }

  const select = (ref: CellRef) => void runAction([], notice, () => ctx.host.select(ref.sheet, ref.row, Math.max(1, ref.col)));

  async function refresh(): Promise<void> {
    showNotice(notice, "info", "");
    const y = year();
    view = rdView(await readWorkbook(ctx.host), ctx.today(), y);
    render(view);
  }

  function render(v: RdView): void {
    if (v.sheets.length === 0) {
      replaceChildren(basis);
      replaceChildren(state, [missingLedgerBox("rd", v.partials, "无法计算研发补助，也不会写入任何公式。", "rd-empty")]);
      for (const e of [totals, linesTitle, linesList, linesMore, flaggedTitle, flaggedList]) replaceChildren(e);
      filter.update([], 0);
      return;
    }
    replaceChildren(
      basis,
      v.policies.map((p) =>
        el("p", { attrs: { "data-scheme": p.scheme } }, [
          `${p.name}：`,
          p.title
            ? el("span", { class: "basis-title", text: `《${p.title}》` })
            : el("span", { class: "status-bad", text: `${v.year} 年度无适用政策（不写入这一列；可在“政策”页载入新的政策包）` }),
          p.title ? `（${p.docNo}，${p.years}）` : "",
          p.provisional ? el("span", { class: "badge badge-warning", text: "含暂定值，待核定" }) : null,
        ]),
      ),
    );
    const others = v.sheets.reduce((n, s) => n + s.otherYears, 0);
    replaceChildren(state, [
      ...v.notes.filter((n) => !/没有.*研发补助政策包/.test(n)).map((n) => stateBox("warning", n)),
      others > 0 ? el("p", { class: "hint", text: `台账中其他年度的 ${formatCount(others)} 行不计算、不改动。` }) : null,
    ]);
    replaceChildren(totals, [
      el("p", { class: "total-line" }, ["两项合计：", el("strong", { class: "amount", text: `${formatWan(v.totals.both)}\u00a0${WAN_UNIT}`, attrs: { id: "rd-total" } })]),
      totalsTable(v),
      townTable(v),
    ]);
    replaceChildren(flaggedTitle, [v.flagged.length ? `需要补充或核对的单元格（${v.flagged.length}）` : ""]);
    replaceChildren(flaggedList, v.flagged.map((f) => el("li", {}, [cellButton(f, select)])));
    filter.update(
      countBy(v.lines, (l) => [{ key: l.status, label: STATUS_LABELS[l.status] }]),
      v.lines.length,
    );
    renderLines();
  }

  function renderLines(): void {
    if (!view || view.sheets.length === 0) return;
    const key = filter.value();
    const shown = view.lines.filter((l) => key === "" || l.status === key);
    replaceChildren(linesTitle, [`各企业的补助与原因（${formatCount(view.lines.length)} 家）`]);
    replaceChildren(
      linesList,
      shown.length ? shown.slice(0, RD_LINES_SHOWN).map((l) => lineItem(l)) : [el("li", { class: "empty", text: `${view.year} 年度没有企业。` })],
    );
    replaceChildren(linesMore, [shown.length > RD_LINES_SHOWN ? `只列出前 ${RD_LINES_SHOWN} 家，另有 ${formatCount(shown.length - RD_LINES_SHOWN)} 家：写入后可在台账和“${view.summarySheet}”中查看。` : ""]);
  }

  function lineItem(l: RdLine): HTMLElement {
    const go = el("button", { class: "btn-link", text: `第 ${l.row} 行`, attrs: { type: "button", title: "在台账中定位这一行" } });
    go.addEventListener("click", () => select({ sheet: l.sheet, row: l.row, col: 1, where: `第 ${l.row} 行`, label: l.name, message: "", severity: "warning" }));
    return el("li", { class: "suggestion", attrs: { "data-row": String(l.row), "data-status": l.status } }, [
      el("div", { class: "suggestion-head" }, [el("strong", { text: l.name || "（未填写企业名称）" }), l.town ? el("span", { class: "tag", text: l.town }) : null, go]),
      el("table", { class: "grid-table rd-amounts" }, [
        el("tbody", {}, [schemeRow("省级", l.province), schemeRow("市级", l.city)]),
      ]),
    ]);
  }

  async function write(): Promise<void> {
    const y = year();
    const fresh = rdView(await readWorkbook(ctx.host), ctx.today(), y);
    if (!fresh.write) throw new UserMessage(fresh.sheets.length === 0 ? "工作簿中没有研发费用台账，没有写入任何公式。" : `${y} 年度省级、市级研发补助都没有适用的政策包，没有写入任何公式。`);
    await applyEdits(ctx, fresh.write.edits, bar.busy);
    view = rdView(await readWorkbook(ctx.host), ctx.today(), y);
    render(view);
    openButton.textContent = `查看“${fresh.summarySheet}”`;
    openButton.hidden = false;
    showNotice(notice, "success", `已${fresh.write.text.replace(/。$/, "")}。`);
  }

  const run = actionRunner(buttons, notice, bar.busy, settle);
  refreshButton.addEventListener("click", run("正在读取研发费用台账…", refresh));
  yearInput.addEventListener("change", () => {
    if (parseYearText(yearInput.value) !== null) void run.now("正在重新计算…", refresh);
    else yearInput.setAttribute("aria-invalid", "true");
  });
  writeButton.addEventListener("click", run("正在计算…", write));
  openButton.addEventListener("click", () => void runAction([], notice, () => ctx.host.select(view?.summarySheet ?? "研发补助汇总", 1, 1)));
  settle();

  return { title: "研发补助", id: "rd", root, shown: () => run.now("正在读取研发费用台账…", refresh) };
}

/** One scheme on an enterprise: the amount (or why not) and, folded, the full reason with its clauses. */
function schemeRow(label: string, r: RdSchemeResult): HTMLElement {
  if (r.source === "none") {
    return el("tr", { attrs: { "data-source": "none" } }, [el("th", { text: label }), el("td", { class: "num amount muted", text: "—" }), el("td", { class: "muted", text: "本年度无适用政策" })]);
  }
  const amount = r.amount === null ? "无法计算" : `${formatWan(r.amount)}\u00a0${WAN_UNIT}`;
  const verdict = r.eligible === true ? "符合" : r.eligible === false ? "不符合" : "待补充";
  return el("tr", { attrs: { "data-source": r.source } }, [
    el("th", { text: label }),
    el("td", { class: `num amount ${r.amount === null ? "status-bad" : ""}`, text: amount }),
    el("td", {}, [
      el("details", { class: "rd-why" }, [
        el("summary", { text: r.provisional ? `${verdict}（含暂定值）` : verdict }),
        el("p", { class: "hint", text: r.why }),
      ]),
    ]),
  ]);
}

function totalsTable(v: RdView): HTMLElement {
  const row = (label: string, t: RdTotalView, scheme: string) =>
    el("tr", { attrs: { "data-scheme": scheme } }, [
      el("td", { text: label }),
      el("td", { class: "num amount", text: formatWan(t.amount) }),
      el("td", { class: "num muted", text: `${formatCount(t.granted)} / ${formatCount(t.rows)}` }),
      el("td", { class: `num ${t.unknown ? "status-bad" : "muted"}`, text: formatCount(t.unknown) }),
    ]);
  return el("div", { class: "totals", attrs: { id: "rd-by-scheme" } }, [
    el("h3", { text: "按方案" }),
    el("table", { class: "grid-table" }, [
      el("thead", {}, [el("tr", {}, [el("th", { text: "方案" }), el("th", { class: "num", text: `补助（${WAN_UNIT}）` }), el("th", { class: "num", text: "获补助/家" }), el("th", { class: "num", text: "无法计算" })])]),
      el("tbody", {}, v.policies.filter((p) => p.title).map((p) => row(p.name, v.totals[p.scheme], p.scheme))),
    ]),
  ]);
}

function townTable(v: RdView): HTMLElement | null {
  if (v.byTown.length === 0) return null;
  return el("div", { class: "totals table-scroll", attrs: { id: "rd-by-town" } }, [
    el("h3", { text: "按镇街" }),
    el("table", { class: "grid-table" }, [
      el("thead", {}, [el("tr", {}, [el("th", { text: "镇街" }), el("th", { class: "num", text: `省级（${WAN_UNIT}）` }), el("th", { class: "num", text: `市级（${WAN_UNIT}）` }), el("th", { class: "num", text: "企业" })])]),
      el(
        "tbody",
        {},
        v.byTown.map((t) =>
          el("tr", { attrs: { "data-town": t.town } }, [
            el("td", { text: t.town }),
            el("td", { class: "num amount", text: formatWan(t.province.amount) }),
            el("td", { class: "num amount", text: formatWan(t.city.amount) }),
            el("td", { class: "num muted", text: formatCount(t.rows) }),
          ]),
        ),
      ),
    ]),
  ]);
}
