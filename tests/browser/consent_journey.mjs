// Journeys 2 and 6 of the guided service in a real browser, at one window size: the young
// person logs in and lands on her case, goes through the consent steps with the keyboard only
// and gets a receipt; the parent is told the consent asked is hers and gives it; the coordinator
// sees sharing turn on; the young person withdraws after the confirmation page and still reads
// her own papers; the professional's next page says who withdrew and when. Also: a logged-out
// deep link asks for a login and comes back to the page, and "Log af" in the header logs out.
// axe-core (WCAG 2.1 A/AA) runs on every page visited. Run by tests/api/browser_journeys.rs.
//
//   node consent_journey.mjs BASE_URL CASE_ID desktop|phone SCREENSHOT_DIR
//
// Prints a line per step; exits 1 at the first step that does not hold.
import { mkdir } from "node:fs/promises";
import { check, looker } from "./look.mjs";
import { DESKTOP, PHONE, identities, launch } from "./session.mjs";

const [base, caseId, deviceName, shots] = process.argv.slice(2);
const device = { desktop: DESKTOP, phone: PHONE }[deviceName];
if (!base || !caseId || !device || !shots) {
  console.error("usage: node consent_journey.mjs BASE_URL CASE_ID desktop|phone SCREENSHOT_DIR");
  process.exit(2);
}
await mkdir(shots, { recursive: true });
const casePath = `/cases/${caseId}`;
const looked = looker(shots, device);

// Tabs from where the focus is to the element, as a keyboard user would; fails if the element
// cannot be reached within 80 presses.
async function tabTo(page, selector) {
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
  }
  throw new Error(`${selector} cannot be reached with the Tab key on ${page.url()}`);
}

async function pressAndLoad(page, key) {
  await Promise.all([page.waitForNavigation(), page.keyboard.press(key)]);
}

// Logs in from the front page's button without a destination: the login lands where /start
// sends this person.
async function logIn(context, identity) {
  const page = await context.newPage();
  await page.goto(`${base}/auth/login/${identity.provider}`);
  await Promise.all([
    page.waitForURL((url) => !url.pathname.startsWith("/dev-idp/") && !url.pathname.startsWith("/auth/")),
    page.locator(`a[href$="login_hint=${identity.login_hint}"]`).click(),
  ]);
  return page;
}

const text = (page) => page.locator("main").innerText();

const browser = await launch();
try {
  const people = await identities(base);

  // The young person lands on her one case and sees she has not consented yet.
  const young = await browser.newContext(device.options);
  const mine = await logIn(young, people.get("young17"));
  check(new URL(mine.url()).pathname === casePath, `the young person landed on ${mine.url()}, not her case`);
  check((await mine.locator("header .portal-user").innerText()).includes("Log af"), "the header has no Log af");
  check((await text(mine)).includes("Du har ikke givet samtykke endnu"), "the case page does not say she has not consented");
  await looked(mine, "case-young-person-before-consent");
  console.log("the young person landed on her case, which says she has not consented yet");

  // The consent steps with the keyboard only.
  await tabTo(mine, `a[href="${casePath}/consent"]`);
  await pressAndLoad(mine, "Enter");
  check((await text(mine)).includes("Du må gerne sige nej"), "step 1 does not say no is allowed");
  await looked(mine, "consent-step-1");
  await tabTo(mine, "main form button[type=submit]");
  await pressAndLoad(mine, "Enter");
  const choice = await text(mine);
  check(choice.includes("Jonas Berg"), "the choice does not name Jonas Berg under the job centre");
  await looked(mine, "consent-step-2");
  for (const department of ["job_centre", "youth_guidance"]) {
    await tabTo(mine, `#scope-${department}`);
    await mine.keyboard.press("Space");
  }
  await tabTo(mine, "main form button[type=submit]");
  await pressAndLoad(mine, "Enter");
  const review = await text(mine);
  check(review.includes("Jobcenteret") && review.includes("Amira Larsen"), "the review does not list the choice");
  await looked(mine, "consent-step-3");
  await tabTo(mine, "main form[method=post] button[type=submit]");
  await pressAndLoad(mine, "Enter");
  const receipt = await text(mine);
  check(receipt.includes("Tak. Dit samtykke er givet."), "no receipt after giving consent");
  check(/den \d{1,2}\. [a-zæøå]+ \d{4}/.test(receipt), "the receipt does not give the date");
  await looked(mine, "consent-receipt");
  console.log("the young person gave consent with the keyboard only and got a receipt with the date");

  // The parent is told the consent asked is hers, and gives it.
  const parent = await browser.newContext(device.options);
  const hers = await logIn(parent, people.get("parent"));
  check(new URL(hers.url()).pathname === casePath, `the parent landed on ${hers.url()}`);
  check((await text(hers)).includes("Vi mangler dit samtykke"), "the parent is not told her consent is missing");
  await looked(hers, "case-parent-before-consent");
  await Promise.all([hers.waitForNavigation(), hers.click(`main a[href="${casePath}/consent"]`)]);
  check((await text(hers)).includes("Det samtykke, vi spørger om her, er dit eget"), "step 1 does not tell the parent the consent is hers");
  await Promise.all([hers.waitForNavigation(), hers.click("main form button[type=submit]")]);
  await Promise.all([hers.waitForNavigation(), hers.click("main form button[type=submit]")]);
  check((await text(hers)).includes("Vælg mindst én forvaltning"), "an empty choice is not refused on the same step");
  await looked(hers, "consent-step-2-error");
  await hers.check("#scope-job_centre");
  await hers.check("#scope-youth_guidance");
  await Promise.all([hers.waitForNavigation(), hers.click("main form button[type=submit]")]);
  await Promise.all([hers.waitForNavigation(), hers.click("main form[method=post] button[type=submit]")]);
  check((await text(hers)).includes("Tak. Dit samtykke er givet."), "no receipt for the parent");
  console.log("the parent was told the consent is hers, an empty choice was refused on the form, and she consented");

  // The coordinator sees sharing turn on.
  const coordinator = await browser.newContext(device.options);
  const cases = await logIn(coordinator, people.get("coordinator"));
  check(new URL(cases.url()).pathname === "/cases", `the coordinator landed on ${cases.url()}, not Mine sager`);
  await cases.goto(`${base}${casePath}`);
  check((await text(cases)).includes("Der er givet samtykke"), "the coordinator does not see sharing on");
  await looked(cases, "case-coordinator-shared");
  console.log("the coordinator landed on Mine sager and sees sharing on");

  // A logged-out deep link asks for a login and comes back to the page.
  const visitor = await browser.newContext(device.options);
  const deep = await visitor.newPage();
  const asked = await deep.goto(`${base}${casePath}`);
  check(asked.status() === 401, `a logged-out deep link answered ${asked.status()}`);
  check((await text(deep)).includes("kommer du direkte tilbage"), "the login page does not say why it asks");
  await looked(deep, "login-required");
  await Promise.all([deep.waitForNavigation(), deep.click("main a[href^='/auth/login/staff']")]);
  await Promise.all([
    deep.waitForURL(`${base}${casePath}`),
    deep.locator('a[href$="login_hint=jobcentre"]').click(),
  ]);
  const professional = await text(deep);
  check(professional.includes("Der er givet samtykke"), "the professional does not see sharing on after the deep link");
  console.log("a logged-out deep link asked for a login and came back to the case");

  // The young person withdraws after the confirmation page and keeps reading her papers.
  await mine.goto(`${base}${casePath}`);
  await Promise.all([mine.waitForNavigation(), mine.click("main .alert a[href$='/withdraw']")]);
  check((await text(mine)).includes("Du kan stadig selv se og hente dine papirer"), "the confirmation does not say what happens");
  await looked(mine, "consent-withdraw-confirm");
  await Promise.all([mine.waitForNavigation(), mine.click("main form button[type=submit]")]);
  const after = await text(mine);
  check(after.includes("Du trak dit samtykke tilbage den"), "the case page does not say she withdrew");
  check(after.includes("Handleplan"), "the young person no longer sees her own document after withdrawing");
  console.log("the young person withdrew after the confirmation and still sees her own papers");

  // The professional's next page says who withdrew and when.
  await deep.reload();
  const told = await text(deep);
  check(told.includes("har trukket sit samtykke tilbage den"), "the professional is not told why there are no papers");
  check(!told.includes("Handleplan"), "the professional still sees the document");
  await looked(deep, "case-professional-withdrawn");
  console.log("the professional's next page says the young person withdrew and when");

  // "Log af" in the header.
  await Promise.all([deep.waitForNavigation(), deep.click("header .portal-user button[type=submit]")]);
  check(new URL(deep.url()).pathname === "/auth/logged-out", `Log af led to ${deep.url()}`);
  const me = await visitor.request.get(`${base}/api/v1/me`);
  check(me.status() === 401, `after Log af, /api/v1/me answered ${me.status()}`);
  console.log("Log af in the header logged out");
} catch (err) {
  console.log(`FAIL ${err.message}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
