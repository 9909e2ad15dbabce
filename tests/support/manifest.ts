/**
 * Reading an Office add-in manifest for offline checks: every resource id, every resid
 * reference, every URL. Shared by tests/manifest.test.ts and the build test.
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";

export interface ManifestResource {
  kind: "bt:Image" | "bt:Url" | "bt:String";
  id: string;
  defaultValue: string;
  /** Locale (as written) -> value. */
  overrides: Record<string, string>;
}

export interface ParsedManifest {
  doc: any;
  resources: Map<string, ManifestResource>;
  /** Every resid attribute with the element path it sits on, e.g. "…/Runtimes/Runtime". */
  resids: { resid: string; path: string }[];
  /** Every URL-looking attribute value (DefaultValue, Value) and text node. */
  urls: string[];
}

const ATTR = "@_";
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: ATTR, parseTagValue: false, trimValues: true });

function asList<T>(v: T | T[] | undefined): T[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

function overridesOf(node: any): Record<string, string> {
  const out: Record<string, string> = {};
  for (const o of [...asList(node["bt:Override"]), ...asList(node["Override"])]) out[o[`${ATTR}Locale`]] = o[`${ATTR}Value`];
  return out;
}

export function parseManifest(xml: string): ParsedManifest {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`manifest is not well-formed XML: ${JSON.stringify(valid)}`);
  const doc = parser.parse(xml);
  const resources = new Map<string, ManifestResource>();
  const res = doc.OfficeApp?.VersionOverrides?.Resources ?? {};
  const groups: [string, ManifestResource["kind"], string][] = [
    ["bt:Images", "bt:Image", "bt:Image"],
    ["bt:Urls", "bt:Url", "bt:Url"],
    ["bt:ShortStrings", "bt:String", "bt:String"],
    ["bt:LongStrings", "bt:String", "bt:String"],
  ];
  for (const [group, kind, tag] of groups) {
    for (const node of asList(res[group]?.[tag])) {
      const id = node[`${ATTR}id`];
      if (resources.has(id)) throw new Error(`resource id ${id} defined twice`);
      resources.set(id, { kind, id, defaultValue: node[`${ATTR}DefaultValue`], overrides: overridesOf(node) });
    }
  }
  const resids: ParsedManifest["resids"] = [];
  const urls: string[] = [];
  const walk = (node: any, path: string): void => {
    if (node === null || typeof node !== "object") {
      if (typeof node === "string" && /^[a-z]+:\/\//i.test(node)) urls.push(node);
      return;
    }
    if (Array.isArray(node)) {
      node.forEach((n) => walk(n, path));
      return;
    }
    for (const [key, value] of Object.entries(node)) {
      if (key.startsWith(ATTR)) {
        const attr = key.slice(ATTR.length);
        if (attr === "resid") resids.push({ resid: String(value), path });
        if (typeof value === "string" && /^[a-z]+:\/\//i.test(value) && !attr.startsWith("xmlns")) urls.push(value);
      } else if (key !== "#text") {
        walk(value, `${path}/${key}`);
      } else {
        walk(value, path);
      }
    }
  };
  walk(doc.OfficeApp, "OfficeApp");
  return { doc, resources, resids, urls };
}

/** Width and height from a PNG's IHDR chunk. */
export function pngSize(buf: Buffer): { width: number; height: number } {
  const signature = "89504e470d0a1a0a";
  if (buf.subarray(0, 8).toString("hex") !== signature || buf.subarray(12, 16).toString("ascii") !== "IHDR") {
    throw new Error("not a PNG file");
  }
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

export { asList };
