// What the browser scripts share: launching Chromium (named by VEJVISER_TEST_CHROMIUM), the
// desktop and phone windows, and logging in through the development identity provider's picker
// page the way a person does it: /auth/login/{staff|citizen}, then a click on the identity.
import { chromium } from "playwright-core";

export const DESKTOP = { name: "desktop", options: { viewport: { width: 1280, height: 800 } } };
export const PHONE = {
  name: "phone",
  options: {
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
  },
};

const CHROMIUM = process.env.VEJVISER_TEST_CHROMIUM || "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export function launch() {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

// The identities the development provider offers, to know which realm each one logs in at.
export async function identities(base) {
  const response = await fetch(`${base}/dev-idp/identities`);
  if (!response.ok) throw new Error(`GET /dev-idp/identities answered ${response.status}`);
  return new Map((await response.json()).map((i) => [i.login_hint, i]));
}

// Logs in as a development identity through the picker page, as a person would.
export async function logIn(context, base, identity) {
  const page = await context.newPage();
  try {
    const realm = identity.provider;
    await page.goto(`${base}/auth/login/${realm}?return_to=/`);
    const picker = new URL(page.url());
    if (picker.pathname !== `/dev-idp/${realm}/authorize`) {
      throw new Error(`/auth/login/${realm} led to ${picker.pathname}, not the picker page`);
    }
    const choice = page.locator(`a[href$="login_hint=${identity.login_hint}"]`);
    await Promise.all([page.waitForURL(`${base}/`), choice.click()]);
    const me = await context.request.get(`${base}/api/v1/me`);
    if (me.status() !== 200) throw new Error(`after logging in, /api/v1/me answered ${me.status()}`);
  } finally {
    await page.close();
  }
}
