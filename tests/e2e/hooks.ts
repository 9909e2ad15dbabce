/** Mocha hooks shared by the end-to-end files: one built pane, one server, one Chromium per file. */
import { Browser } from "playwright-core";
import { chromiumAvailable, ensureBuilt, launchChromium, serveStatic, SKIP_MESSAGE, StaticServer } from "./support";

export interface E2eEnv {
  browser: Browser;
  origin: string;
}

/** Call inside a describe(); returns a getter for the browser and the server's origin. */
export function useBrowser(): () => E2eEnv {
  let browser: Browser | null = null;
  let server: StaticServer | null = null;
  before(async function () {
    if (!chromiumAvailable()) {
      console.warn(SKIP_MESSAGE);
      this.skip();
    }
    this.timeout(900_000);
    ensureBuilt();
    server = await serveStatic();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  return () => {
    if (!browser || !server) throw new Error("浏览器未启动");
    return { browser, origin: server.origin };
  };
}
