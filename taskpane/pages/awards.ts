/**
 * 奖励测算 (计划 二（一）4, 二（二）4, 二（四）3): opens on the totals the award ledger comes to
 * (a preview: nothing written), in 万元 as clerks write them, with the policy applied named as
 * text and each item's clause; the rows that cannot be computed are listed, filterable by
 * column. 写入工作簿 then fills the KJ.AWARD formulas and writes the SUMIFS summary sheet.
 */
import { readWorkbook } from "../../src/host/port";
import { formatCount, formatWan, WAN_UNIT } from "../../src/format";
import { actionRunner, applyEdits, Page, PaneContext, runAction, showNotice, UserMessage } from "../context";
import { el, replaceChildren } from "../dom";
import { awardsHint, awardsView, AwardsView, TotalLine } from "../jobs";
import { actionBar } from "../parts/action-bar";
import { cellButton, CellRef, countBy, filterChips } from "../parts/lists";
import { missingLedgerBox, stateBox } from "../parts/states";

/** The column a flagged row is about, by its standard name. */
function columnOf(f: CellRef): string {
  return f.field || "整列";
}

export function createAwardsPage(ctx: PaneContext): Page {
  const refreshButton = el("button", { class: "btn", text: "刷新", title: "重新读取奖励台账并测算（不写入）", attrs: { id: "awards-refresh", type: "button" } });
  const basis = el("div", { class: "basis", attrs: { id: "awards-basis" } });
  const state = el("div", { attrs: { id: "awards-state" } });
  const totals = el("div", { attrs: { id: "awards-totals" } });
  const flaggedTitle = el("h3", { attrs: { id: "awards-flagged-title" } });
  const flaggedList = el("ul", { class: "flag-list", attrs: { id: "awards-flagged-list" } });
  const filter = filterChips("awards-filter", "按列筛选", () => renderFlagged());
  const flagged = el("div", { attrs: { id: "awards-flagged" } }, [flaggedTitle, filter.root, flaggedList]);

  const writeButton = el("button", { class: "btn btn-primary", text: "写入工作簿", title: "填入 KJ.AWARD 公式并写入“奖励汇总”", attrs: { id: "awards-write", type: "button" } });
  const openButton = el("button", { class: "btn", text: "查看“奖励汇总”", attrs: { id: "awards-open", type: "button" } });
  openButton.hidden = true;
  const notice = el("div", { class: "notice", attrs: { id: "awards-notice" } });
  notice.hidden = true;
  const bar = actionBar("awards", [writeButton, openButton], notice);

  const root = el("section", { class: "page", attrs: { id: "page-awards", "aria-label": "奖励测算" } }, [
    el("div", { class: "page-body" }, [
      el("p", { class: "hint", text: awardsHint(), attrs: { id: "awards-hint" } }),
      el("div", { class: "button-row" }, [refreshButton]),
      basis,
      state,
      totals,
      flagged,
    ]),
    bar.root,
  ]);

  let view: AwardsView | null = null;
  const buttons = [writeButton, refreshButton, openButton];

  function settle(): void {
    writeButton.disabled = !view?.write;
    if (!view) {
      bar.setStatus(["正在测算…"]);
      bar.setWrite(null);
      return;
    }
    if (view.sheets.length === 0) {
      bar.setStatus([el("span", { class: "status-bad", text: "没有奖励台账，无法测算。" })]);
      bar.setWrite(null);
      return;
    }
    const errors = view.flagged.filter((f) => f.severity === "error").length;
    bar.setStatus([
      `${formatCount(view.rows)} 行，合计 `,
      el("strong", { class: "amount", text: `${formatWan(view.total)}\u00a0${WAN_UNIT}`, attrs: { id: "awards-bar-total" } }),
      errors ? el("span", { class: "status-bad", text: `，${errors} 处无法测算` }) : null,
    ]);
    bar.setWrite(view.write?.text ?? null);
  }

  const select = (ref: CellRef) => void runAction([], notice, () => ctx.host.select(ref.sheet, ref.row, Math.max(1, ref.col)));

  async function refresh(): Promise<void> {
    showNotice(notice, "info", "");
    view = awardsView(await readWorkbook(ctx.host), ctx.today());
    render(view);
  }

  function render(v: AwardsView): void {
    if (v.sheets.length === 0) {
      replaceChildren(basis);
      replaceChildren(state, [missingLedgerBox("award", v.partials, "无法测算奖励，也不会写入任何公式。", "awards-empty")]);
      replaceChildren(totals);
      replaceChildren(flaggedTitle);
      replaceChildren(flaggedList);
      filter.update([], 0);
      return;
    }
    replaceChildren(basis, [
      el("p", {}, [
        "适用政策：",
        ...v.policies.flatMap((p, i) => [i > 0 ? "；" : "", el("span", { class: "basis-title", text: `《${p.title}》` }), `（${p.from} 至 ${p.to}，${formatCount(p.rows)} 行）`]),
        v.policies.length === 0 ? "无（没有可读的认定日期）" : "",
      ]),
      v.outsidePolicy > 0 ? el("p", { class: "status-bad", text: `${v.outsidePolicy} 行的认定日期不在任何政策期内：无适用政策，不计金额（见下方“需要核对的行”）。` }) : null,
    ]);
    replaceChildren(state, v.notes.map((n) => stateBox("warning", n)));
    replaceChildren(totals, [
      el("p", { class: "total-line" }, ["奖励合计：", el("strong", { class: "amount", text: `${formatWan(v.total)}\u00a0${WAN_UNIT}`, attrs: { id: "awards-total" } }), `（${formatCount(v.rows)} 行）`]),
      totalsTable("按年度（认定日期）", "awards-by-year", "年度", v.byYear),
      totalsTable("按奖励事项", "awards-by-item", "奖励事项（条款）", v.byItem),
      totalsTable("按拨付状态", "awards-by-status", "拨付状态", v.byStatus),
    ]);
    filter.update(
      countBy(v.flagged, (f) => [{ key: columnOf(f), label: columnOf(f) }]),
      v.flagged.length,
    );
    renderFlagged();
  }

  function renderFlagged(): void {
    if (!view || view.sheets.length === 0) return;
    const key = filter.value();
    const shown = view.flagged.filter((f) => key === "" || columnOf(f) === key);
    replaceChildren(flaggedTitle, [view.flagged.length ? `需要核对的行（${view.flagged.length}）` : ""]);
    replaceChildren(
      flaggedList,
      view.flagged.length
        ? shown.map((f) => el("li", {}, [cellButton(f, select)]))
        : [el("li", { class: "empty", text: "所有行都能算出奖励金额。" })],
    );
  }

  async function write(): Promise<void> {
    const fresh = awardsView(await readWorkbook(ctx.host), ctx.today());
    if (!fresh.write) throw new UserMessage("工作簿中没有奖励台账，没有写入任何公式。");
    await applyEdits(ctx, fresh.write.edits, bar.busy);
    view = awardsView(await readWorkbook(ctx.host), ctx.today());
    render(view);
    openButton.textContent = `查看“${fresh.summarySheet}”`;
    openButton.hidden = false;
    showNotice(notice, "success", `已${fresh.write.text.replace(/。$/, "")}。`);
  }

  const run = actionRunner(buttons, notice, bar.busy, settle);
  refreshButton.addEventListener("click", run("正在读取奖励台账…", refresh));
  writeButton.addEventListener("click", run("正在测算…", write));
  openButton.addEventListener("click", () => void runAction([], notice, () => ctx.host.select(view?.summarySheet ?? "奖励汇总", 1, 1)));
  settle();

  return { title: "奖励测算", id: "awards", root, shown: () => run.now("正在读取奖励台账…", refresh) };
}

function totalsTable(title: string, id: string, first: string, lines: readonly TotalLine[]): HTMLElement {
  return el("div", { class: "totals", attrs: { id } }, [
    el("h3", { text: title }),
    el("table", { class: "grid-table" }, [
      el("thead", {}, [el("tr", {}, [el("th", { text: first }), el("th", { class: "num", text: `金额（${WAN_UNIT}）` }), el("th", { class: "num", text: "笔数" })])]),
      el(
        "tbody",
        {},
        lines.map((l) =>
          el("tr", { attrs: { "data-key": l.key } }, [
            el("td", {}, [el("span", { class: "line-label", text: l.label }), l.cite ? el("span", { class: "cite", text: [l.rule, l.cite].filter(Boolean).join(" · ") }) : null]),
            el("td", { class: "num amount", text: formatWan(l.amount) }),
            el("td", { class: "num muted", text: formatCount(l.count) }),
          ]),
        ),
      ),
    ]),
  ]);
}
