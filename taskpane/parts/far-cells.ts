/**
 * Cells far from a sheet's table (a value typed at XFD1048576, a note thousands of rows down)
 * are left out of every job by the hosts (src/host/snapshot.ts) and reported on the snapshot.
 * The CLI prints that warning; here every page shows it above its content, with a button that
 * goes to the cell so the clerk can delete it or move it into the table.
 */
import { SheetSnapshot, SpreadsheetHost } from "../../src/host/port";
import { ignoredCellsWarning } from "../../src/host/snapshot";
import { errorText } from "../context";
import { el, replaceChildren } from "../dom";
import { stateBox } from "./states";

interface FarCells {
  text: string;
  first: { row: number; col: number } | null;
}

/**
 * The host with readSheet watched: after each read the box lists the sheets that have cells
 * left out (a sheet read again without them drops off the list). Other members pass through.
 */
export function watchFarCells(host: SpreadsheetHost, box: HTMLElement): SpreadsheetHost {
  const bySheet = new Map<string, FarCells>();
  const render = () => {
    box.hidden = bySheet.size === 0;
    replaceChildren(
      box,
      bySheet.size === 0
        ? []
        : [
            stateBox(
              "warning",
              "有单元格远离表格，没有读取：",
              [
                el(
                  "ul",
                  {},
                  [...bySheet].map(([sheet, f]) => {
                    const go = f.first
                      ? el("button", { class: "btn btn-link", text: "定位", attrs: { type: "button", "data-sheet": sheet } })
                      : null;
                    go?.addEventListener("click", () => {
                      const at = f.first!;
                      host.select(sheet, at.row, at.col).catch((e: unknown) => (go.title = errorText(e)));
                    });
                    return el("li", {}, [f.text, go]);
                  }),
                ),
              ],
              "far-cells-box",
            ),
          ],
    );
  };
  const watched = async (name: string): Promise<SheetSnapshot> => {
    const s = await host.readSheet(name);
    const text = ignoredCellsWarning(s);
    if (text) bySheet.set(name, { text, first: s.ignored?.sample[0] ?? null });
    else bySheet.delete(name);
    render();
    return s;
  };
  return new Proxy(host, {
    get(target, prop) {
      if (prop === "readSheet") return watched;
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
