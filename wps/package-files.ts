/**
 * The text files of the WPS 加载项 package, generated at build time (webpack.wps.config.js):
 * manifest.xml + functions.json declaring the KJ functions (from src/fx/spec.ts), publish.xml
 * for an offline install into the user's jsaddons folder, and jsplugins.xml for an intranet
 * server. Formats follow the WPS 加载项 documentation and the wpsjs tool (see docs/wps.md).
 */
import { FX_NAMESPACE, FX_SPECS } from "../src/fx/spec";
import { wpsParamType } from "./meta";

/** The offline package folder WPS expects: <name>_<version>. */
export function packageFolder(name: string, version: string): string {
  return `${name}_${version}`;
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** functions.json: the KJ functions with their Chinese names, parameters and result types. */
export function functionsJson(): { functions: unknown[] } {
  return {
    functions: FX_SPECS.map((spec) => ({
      id: spec.id,
      name: spec.id,
      description: spec.descriptionZh,
      parameters: spec.params.map((p) => ({
        name: p.nameZh,
        description: p.descriptionZh,
        type: p.type,
        dimensionality: p.matrix ? "matrix" : "scalar",
        optional: p.optional,
        wpsType: wpsParamType(p),
      })),
      result: { type: spec.result.type, dimensionality: "scalar" },
    })),
  };
}

/** manifest.xml: the function namespace KJ and where functions.json is. */
export function manifestXml(name: string, description: string): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    "<JsPlugin>",
    "  <ApiVersion>1.0.0</ApiVersion>",
    `  <Name>${xmlEscape(name)}</Name>`,
    `  <Description>${xmlEscape(description)}</Description>`,
    "  <Functions>",
    "    <Uri>functions.json</Uri>",
    `    <Namespace>${FX_NAMESPACE}</Namespace>`,
    "  </Functions>",
    "</JsPlugin>",
    "",
  ].join("\n");
}

/** publish.xml for %APPDATA%\kingsoft\wps\jsaddons (or the Linux equivalent): the local package. */
export function publishXml(name: string, version: string): string {
  return [
    "<jsplugins>",
    `  <jsplugin name="${xmlEscape(name)}" type="et" url="${xmlEscape(packageFolder(name, version))}" version="${xmlEscape(version)}" enable="enable_dev" install="null"/>`,
    "</jsplugins>",
    "",
  ].join("\n");
}

/**
 * jsplugins.xml for an intranet server (oem.ini JSPluginsServer points at it): the add-in
 * served from `baseUrl` (the package folder published as is, ending in "/").
 */
export function jsPluginsXml(name: string, version: string, baseUrl: string): string {
  const url = baseUrl.endsWith("/") ? baseUrl : baseUrl + "/";
  return [
    "<jsplugins>",
    `  <!-- 在线模式：把 ${packageFolder(name, version)} 文件夹原样放到内网服务器，下面的地址指向它（以 / 结尾）。 -->`,
    `  <jspluginonline name="${xmlEscape(name)}" type="et" url="${xmlEscape(url)}"/>`,
    "</jsplugins>",
    "",
  ].join("\n");
}
