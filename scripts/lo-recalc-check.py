#!/usr/bin/python3
# Vendored copy of ../shared/tools/lo-recalc-check.py, the KJ project's shared LibreOffice check
# (sha256 b780378679241645c55cbfaaffffa529bed8ebbd73683485d2a4e4b58c5ecbe1, copied 2026-12-04), so
# that `npm test` runs it on a clean clone where ../shared does not exist. Do not edit it here:
# change the shared file and copy it again. tests/lo/checker.test.ts checks that this file, without
# these provenance lines (from the second line to the marker below), is byte-identical to the shared
# one whenever ../shared/tools/lo-recalc-check.py exists beside the repository.
# ---- end of provenance ----
"""Check the values a workbook shows against LibreOffice Calc's own recalculation.

For every formula cell of each .xlsx: the value cached in the file (what Excel, WPS or a viewer
shows before recalculating, read with openpyxl) must equal what LibreOffice computes when it
recalculates the workbook (headless, through UNO). Cells whose formula calls an add-in function
(KJ.*) keep their cached value, since LibreOffice does not have the add-in; everything that
depends on them is recalculated. Cached amounts must also be exact: no binary float residue
below 0.0001 (one yuan when the unit is 万元).

usage: lo-recalc-check.py FILE.xlsx [FILE.xlsx ...]
exit 0: every file opened and agreed; 1: a disagreement; 2: a file did not open.
Needs LibreOffice Calc, python3-uno and python3-openpyxl (Debian: libreoffice-calc-nogui
python3-uno python3-openpyxl); run it with Debian's /usr/bin/python3.
"""
import os, subprocess, sys, tempfile, time, urllib.parse, warnings

import openpyxl
warnings.filterwarnings("ignore")
import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue(); p.Name = name; p.Value = value; return p


def start_office():
    profile = tempfile.mkdtemp(prefix="lo-profile-")
    pipe = "kjcheck%d" % os.getpid()
    proc = subprocess.Popen(["soffice", "--headless", "--invisible", "--nologo", "--norestore",
                             "-env:UserInstallation=file://" + profile,
                             "--accept=pipe,name=%s;urp;" % pipe],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(120):
        try:
            ctx = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
            return proc, ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        except Exception:
            time.sleep(0.5)
    proc.kill(); sys.exit("LibreOffice did not start")


def col_name(c):
    s = ""
    while c:
        c, m = divmod(c - 1, 26); s = chr(65 + m) + s
    return s


def lo_value(cell):
    if cell.getError():
        return "#ERR%d" % cell.getError()
    rt = getattr(cell.FormulaResultType2, "value", cell.FormulaResultType2)  # 1 VALUE, 2 STRING, 4 ERROR
    return cell.getString() if rt in (2, "STRING") else cell.getValue()


def same(cached, lo):
    if isinstance(cached, bool):
        cached = float(cached)
    if isinstance(cached, (int, float)) and isinstance(lo, float):
        return abs(cached - lo) <= 1e-9 * max(1.0, abs(cached), abs(lo))
    if cached is None:
        return lo in ("", 0.0)
    if isinstance(cached, str) and cached.startswith("#"):
        return isinstance(lo, str) and lo.startswith("#")
    return str(cached) == str(lo)


def check(desktop, path):
    try:
        formulas = openpyxl.load_workbook(path, data_only=False)
        values = openpyxl.load_workbook(path, data_only=True)
    except Exception as e:
        print("%s: openpyxl could not read it: %s" % (path, e)); return 2
    cells, addin = [], []
    for ws in formulas.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value.startswith("="):
                    cached = values[ws.title].cell(row=c.row, column=c.column).value
                    (addin if "KJ." in c.value.upper() else cells).append((ws.title, c.row, c.column, c.value, cached))
    doc = desktop.loadComponentFromURL("file://" + urllib.parse.quote(os.path.abspath(path)), "_blank", 0,
                                       (prop("Hidden", True),))
    if doc is None:
        print("%s: LibreOffice could not open it" % path); return 2
    sheets = doc.getSheets()
    for name, r, c, f, cached in addin:
        cell = sheets.getByName(name).getCellByPosition(c - 1, r - 1)
        if isinstance(cached, (int, float)) and not isinstance(cached, bool): cell.setValue(cached)
        elif cached is None: cell.setString("")
        else: cell.setString(str(cached))
    doc.calculateAll()
    bad, residue = [], []
    for name, r, c, f, cached in cells:
        lo = lo_value(sheets.getByName(name).getCellByPosition(c - 1, r - 1))
        where = "%s!%s%d %s" % (name, col_name(c), r, f[:60])
        if not same(cached, lo):
            bad.append("%s: cached %r, LibreOffice %r" % (where, cached, lo))
        if isinstance(cached, float) and abs(cached * 10000 - round(cached * 10000)) > 1e-6:
            residue.append("%s: cached %r is not exact" % (where, cached))
    doc.close(True)
    for line in bad[:15] + residue[:10]:
        print("  " + line)
    print("%s: %d formulas recalculated by LibreOffice, %d disagree with the cached value, %d inexact; %d add-in formulas kept"
          % (path, len(cells), len(bad), len(residue), len(addin)))
    return 1 if bad or residue else 0


def main():
    if len(sys.argv) < 2:
        print(__doc__); sys.exit(2)
    proc, desktop = start_office()
    worst = 0
    try:
        for path in sys.argv[1:]:
            worst = max(worst, check(desktop, path))
    finally:
        try: desktop.terminate()
        except Exception: pass
        try: proc.wait(timeout=30)
        except Exception: proc.kill()
    sys.exit(worst)


if __name__ == "__main__":
    main()
