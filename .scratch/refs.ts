import { moveFormulaRows, rowsDeleted, rowsInserted, moveSqref } from "../src/host/xlsx/rows";
const d = rowsDeleted("S", [3, 5, 6]);
const cases: [string, string][] = [
  ["SUM(B2:B9)+B5", "S"], ["B4*2", "S"], ["S!B7+'S'!$C$8", "T"], ["SUM(S!B3:B9)", "T"], ["LOG10(A10)", "S"], ["\"B5\"&B7", "S"],
  ["Table1[[#This Row],[B5]]", "S"], ["[1]S!B7", "T"], ["#REF!+B7", "S"], ["3:6", "S"], ["SUM(5:6)", "S"], ["A:A", "S"], ["'Sheet1:S'!B7", "T"], ["TBL1[x]", "S"], ["_xlfn.XLOOKUP(B7,A:A,C:C)", "S"], ["1E+5+B10", "S"], ["B$4+$B7", "S"],
];
for (const [f, home] of cases) console.log(home, f, "=>", JSON.stringify(moveFormulaRows(f, home, d)));
const ins = rowsInserted("S", [{ at: 3, count: 1 }, { at: 5, count: 2 }]);
for (const f of ["SUM(B2:B6)", "B3", "SUM(B3:B6)", "SUM(B4:B4)", "B5"]) console.log("ins", f, moveFormulaRows(f, "S", ins).text);
console.log(moveSqref("A3:Z302 B5 C6", d), moveSqref("A3:Z6", rowsInserted("S", [{at:7,count:1}])));
console.log(moveFormulaRows("$I3=\"x\"", "S", rowsDeleted("S",[1]), { kind: "relative", origin: 3, newOrigin: 2 }));
