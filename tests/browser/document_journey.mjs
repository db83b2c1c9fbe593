// Journeys 3, 4 and 5 of the guided service in a real browser, at one window size:
// 3. the coordinator uploads the goal-and-agreement form and sees it go (a progress bar, a
//    button that cancels, a refusal of an iPhone photo before anything is sent, a warning when
//    the same title and file come again); the young person views it in the browser ("Vis"),
//    downloads it (bytes checked) and uploads an edited version with a note; the coordinator sees
//    version 2, and a form left open on version 1 says who uploaded version 2 and leads on;
//    without JavaScript the same form still uploads;
// 4. the read-only professional downloads but is offered no upload form, and a direct POST is
//    refused;
// 5. the young person opens "Hvem har set mine oplysninger" and finds the professional's download;
// then the coordinator removes the professional after a confirmation page.
// axe-core (WCAG 2.1 A/AA) runs on every page. Run by tests/api/browser_document_journeys.rs,
// which checks the e-mail to the coordinator afterwards.
//
//   node document_journey.mjs BASE_URL CASE_ID desktop|phone SCREENSHOT_DIR
//
// Prints a line per step; exits 1 at the first step that does not hold.
import { mkdir, readFile } from "node:fs/promises";
import { check, looker } from "./look.mjs";
import { DESKTOP, PHONE, identities, launch, logIn } from "./session.mjs";

const [base, caseId, deviceName, shots] = process.argv.slice(2);
const device = { desktop: DESKTOP, phone: PHONE }[deviceName];
if (!base || !caseId || !device || !shots) {
  console.error("usage: node document_journey.mjs BASE_URL CASE_ID desktop|phone SCREENSHOT_DIR");
  process.exit(2);
}
await mkdir(shots, { recursive: true });
const casePath = `/cases/${caseId}`;
const looked = looker(shots, device);
const FILE_NAME = "Mål og aftaler.pdf";
const TITLE = "Mål- og aftaleskema";

// A PDF-looking file (header, filler, the closing %%EOF) of about `size` bytes, different per `seed`.
function pdf(seed, size) {
  const filler = Buffer.alloc(size);
  for (let i = 0; i < filler.length; i++) filler[i] = (i * 31 + seed * 7) % 251;
  return Buffer.concat([Buffer.from(`%PDF-1.7\n% ${seed}\n`), filler, Buffer.from("\n%%EOF\n")]);
}

const text = (page) => page.locator("main").innerText();

// Sends the page's uploads slowly (bytes per second), so the progress can be watched; null lifts it.
async function throttle(page, bytesPerSecond) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: bytesPerSecond ?? -1,
  });
}

// Collects every text the upload status shows from now on (a screen reader hears these), here
// in the script, as the page itself is gone once the upload has led on.
async function recordStatus(page) {
  const seen = [];
  await page.exposeFunction("statusShown", (text) => seen.push(text));
  await page.evaluate(() => {
    const status = document.querySelector(".upload-status");
    new MutationObserver(() => window.statusShown(status.textContent)).observe(status, {
      childList: true,
      characterData: true,
      subtree: true,
    });
  });
  return seen;
}

// The POSTs the page sends to `path` from now on.
function postsTo(page, path) {
  const sent = [];
  page.on("request", (r) => {
    if (r.method() === "POST" && new URL(r.url()).pathname === path) sent.push(r);
  });
  return sent;
}

async function documents(context) {
  const listed = await context.request.get(`${base}/api/v1/cases/${caseId}/documents`);
  check(listed.status() === 200, `the document list answered ${listed.status()}`);
  return listed.json();
}

const browser = await launch();
try {
  const people = await identities(base);
  const coordinator = await browser.newContext(device.options);
  await logIn(coordinator, base, people.get("coordinator"));
  const page = await coordinator.newPage();
  await page.goto(`${base}${casePath}`);
  await looked(page, "case-staff");

  // An iPhone photo is refused on the form before anything is sent, naming the file and the way out.
  const sent = postsTo(page, `${casePath}/documents`);
  await page.fill("#doc-title", TITLE);
  await page.selectOption("#doc-kind", "goal_agreement");
  await page.setInputFiles("#doc-file", { name: "IMG_0042.HEIC", mimeType: "image/heic", buffer: Buffer.alloc(5000, 1) });
  await page.click("form[data-upload] button[type=submit]");
  await page.locator(".upload-summary").waitFor({ state: "visible" });
  const summary = await page.locator(".upload-summary").innerText();
  check(summary.includes("«IMG_0042.HEIC» er et billede fra en iPhone") && summary.includes("JPEG eller PDF"), `the summary says: ${summary}`);
  check((await page.getAttribute("#doc-file", "aria-invalid")) === "true", "the file field is not marked invalid");
  check((await page.locator(".form-error .form-error-message").innerText()).includes("IMG_0042.HEIC"), "the field has no message of its own");
  check(sent.length === 0, "the photo was sent anyway");
  await looked(page, "upload-refused-before-sending");
  console.log("an iPhone photo was refused on the form before sending, naming the file");

  // A large upload, slowed down: the bar moves, the button is disabled, and "Annullér" stops it.
  await throttle(page, 400_000);
  const seen = await recordStatus(page);
  await page.setInputFiles("#doc-file", { name: FILE_NAME, mimeType: "application/pdf", buffer: pdf(1, 6_000_000) });
  await page.click("form[data-upload] button[type=submit]");
  await page.waitForFunction(() => document.querySelector(".upload-progress-bar").value >= 10);
  check(await page.locator(".upload-progress").isVisible(), "no progress bar while sending");
  check(await page.locator("form[data-upload] button[type=submit]").isDisabled(), "the button is not disabled while sending");
  await page.click(".upload-cancel");
  await page.locator(".upload-status", { hasText: "Uploaden er annulleret" }).waitFor();
  check(!(await page.locator("form[data-upload] button[type=submit]").isDisabled()), "the button stays disabled after cancelling");
  check((await documents(coordinator)).length === 0, "a cancelled upload left a document");
  console.log("a slow upload showed its progress and Annullér stopped it; nothing was stored");

  // The upload itself, watched: "Sender … N %" on the way, "Dokumentet er uploadet." at the end.
  const first = pdf(2, 1_500_000);
  await page.setInputFiles("#doc-file", { name: FILE_NAME, mimeType: "application/pdf", buffer: first });
  await page.fill("#doc-note", "Første udkast");
  await Promise.all([page.waitForURL(/\/documents\/[0-9a-f-]+\?uploaded=1$/), page.click("form[data-upload] button[type=submit]")]);
  const percents = seen.map((s) => /Sender … (\d+) %/.exec(s)).filter(Boolean).map((m) => Number(m[1]));
  check(percents.some((p) => p > 0 && p < 100), `no progress between 0 and 100 % was shown: ${seen.join(" | ")}`);
  check((await page.locator(".alert-success").innerText()).includes("Dokumentet er uploadet."), "no confirmation of the upload");
  const documentPath = new URL(page.url()).pathname;
  await throttle(page, null);
  await looked(page, "document-uploaded");
  console.log(`uploaded the plan with visible progress (${percents.join(", ")} %): ${documentPath}`);

  // The same title and file again: a warning before sending, then, sent anyway, "Er det en kopi?".
  await page.goto(`${base}${casePath}`);
  await page.fill("#doc-title", TITLE);
  await page.setInputFiles("#doc-file", { name: FILE_NAME, mimeType: "application/pdf", buffer: first });
  await page.click("form[data-upload] button[type=submit]");
  await page.locator(".upload-warning").waitFor({ state: "visible" });
  const warning = await page.locator(".upload-warning").innerText();
  check(warning.includes(`«${TITLE}»`) && warning.includes("Tryk på Upload igen"), `the warning says: ${warning}`);
  check((await page.getAttribute(".upload-warning a", "href")) === documentPath, "the warning does not link the document");
  await Promise.all([page.waitForURL(/\?uploaded=1$/), page.click("form[data-upload] button[type=submit]")]);
  const copy = await text(page);
  check(copy.includes("Er det en kopi?") && copy.includes("Præcis den samme fil er allerede gemt som"), `the copy's page says: ${copy}`);
  await looked(page, "document-copy-warning");
  await Promise.all([page.waitForURL(`${base}${casePath}`), page.click("form[action$='/delete'] button[type=submit]")]);
  check((await documents(coordinator)).length === 1, "the copy was not deleted");
  console.log("the same title and file were warned of before and after sending; the copy was deleted");

  // The coordinator's form on version 1 stays open while the young person works.
  const stale = await coordinator.newPage();
  await stale.goto(`${base}${documentPath}`);

  // The young person views the plan in the browser, downloads it, and uploads version 2.
  const youngContext = await browser.newContext({ ...device.options, acceptDownloads: true });
  await logIn(youngContext, base, people.get("young17"));
  const young = await youngContext.newPage();
  await young.goto(`${base}${documentPath}`);
  await looked(young, "document-young-person");
  const view = young.locator('a[href$="/versions/1/view"]');
  check((await view.innerText()).startsWith("Vis"), "no Vis beside Hent");
  const shown = await youngContext.request.get(`${base}${await view.getAttribute("href")}`);
  check(shown.headers()["content-disposition"].startsWith("inline"), `Vis answered ${shown.headers()["content-disposition"]}`);
  check(shown.headers()["content-security-policy"].includes("object-src 'self'"), "Vis has no policy of its own");
  check((await shown.body()).equals(first), "Vis showed other bytes");
  const [download] = await Promise.all([young.waitForEvent("download"), young.click('a[href$="/versions/1/download"]')]);
  check(download.suggestedFilename() === FILE_NAME, `saved as ${download.suggestedFilename()}`);
  check((await readFile(await download.path())).equals(first), "the downloaded bytes are not version 1's");
  const second = pdf(3, 90_000);
  await young.setInputFiles("#version-file", { name: FILE_NAME, mimeType: "application/pdf", buffer: second });
  await young.fill("#version-note", "Jeg har rettet mine mål");
  await Promise.all([young.waitForURL(`${base}${documentPath}?uploaded=2`), young.click("form[data-upload] button[type=submit]")]);
  check((await young.locator(".alert-success").innerText()).includes("Version 2 er uploadet."), "no confirmation of version 2");
  console.log("the young person viewed and downloaded the plan byte for byte and uploaded version 2 with a note");

  // The coordinator sees version 2 with the note.
  await page.goto(`${base}${documentPath}`);
  const versions = await text(page);
  check(versions.includes("Jeg har rettet mine mål") && (await page.locator("table tbody tr").count()) === 2, "the coordinator does not see version 2");
  console.log("the coordinator sees version 2 and its note");

  // The form left open on version 1: the refusal on the form names who uploaded version 2 and leads on.
  await stale.setInputFiles("#version-file", { name: FILE_NAME, mimeType: "application/pdf", buffer: pdf(4, 20_000) });
  await stale.click("form[data-upload] button[type=submit]");
  await stale.locator(".upload-summary").waitFor({ state: "visible" });
  const refusal = await stale.locator(".upload-summary").innerText();
  check(refusal.includes("Version 2 blev uploadet af Sofie Nielsen"), `the stale form says: ${refusal}`);
  check((await stale.getAttribute(".upload-summary a[download]", "href")).endsWith("/versions/2/download"), "no link to version 2");
  await looked(stale, "upload-stale-on-form");
  await Promise.all([stale.waitForURL(`${base}${documentPath}?newest=2#new-version`), stale.click(".upload-summary a[href$='#new-version']")]);
  check((await stale.getAttribute("form[data-upload]", "action")).endsWith("based_on=2"), "the form does not build on version 2");
  console.log("a form left open on version 1 named who uploaded version 2 and led to uploading version 3");

  // Without JavaScript the form still uploads, and the answer is the next page.
  const plain = await browser.newContext({ ...device.options, javaScriptEnabled: false });
  await logIn(plain, base, people.get("coordinator"));
  const noScript = await plain.newPage();
  await noScript.goto(`${base}${documentPath}`);
  await noScript.setInputFiles("#version-file", { name: FILE_NAME, mimeType: "application/pdf", buffer: pdf(5, 30_000) });
  await Promise.all([noScript.waitForURL(`${base}${documentPath}?uploaded=3`), noScript.click("form[data-upload] button[type=submit]")]);
  check((await text(noScript)).includes("Version 3 er uploadet."), "without JavaScript there is no confirmation");
  console.log("without JavaScript the form uploaded version 3");

  // Journey 4: the read-only professional downloads but may not upload.
  const proContext = await browser.newContext({ ...device.options, acceptDownloads: true });
  await logIn(proContext, base, people.get("jobcentre"));
  const pro = await proContext.newPage();
  await pro.goto(`${base}${documentPath}`);
  check((await pro.locator("#version-file").count()) === 0 && !(await text(pro)).includes("Upload en ny version"), "the read-only professional is offered an upload form");
  await looked(pro, "document-read-only");
  const [proDownload] = await Promise.all([pro.waitForEvent("download"), pro.click("a.button[download]")]);
  check((await readFile(await proDownload.path())).equals(pdf(5, 30_000)), "the professional's download is not version 3");
  const token = await pro.getAttribute("input[name=csrf_token]", "value");
  const posted = await proContext.request.post(`${base}${documentPath}/versions?based_on=3`, {
    headers: { accept: "text/html" },
    multipart: { csrf_token: token, file: { name: "plan.pdf", mimeType: "application/pdf", buffer: pdf(6, 1000) } },
  });
  check(posted.status() === 403, `a direct POST by the read-only professional answered ${posted.status()}`);
  console.log("the read-only professional downloaded version 3, saw no upload form, and a direct POST got 403");

  // Journey 5: the young person finds the professional's download in the access log.
  await young.goto(`${base}${casePath}`);
  await Promise.all([young.waitForURL(`${base}${casePath}/access-log`), young.click(`a[href="${casePath}/access-log"]`)]);
  const log = await text(young);
  check(log.includes("Hvem har set mine oplysninger"), "the access log has no heading");
  const rows = await young.locator("table tbody tr").allInnerTexts();
  check(rows.some((r) => r.includes("Jonas Berg") && r.includes(`downloadede mål- og aftaleskemaet »${TITLE}« version 3`)), `the log does not show the download: ${rows.join(" | ")}`);
  await looked(young, "access-log");
  // The top of it as it first appears, for the README (the whole log is long on a phone).
  await young.screenshot({ path: `${shots}/access-log-top-${device.name}.png` });
  console.log("the young person found the professional's download in Hvem har set mine oplysninger");

  // The coordinator removes the professional from the team, after the confirmation page.
  await page.goto(`${base}${casePath}`);
  const jonasId = (await (await coordinator.request.get(`${base}/api/v1/cases/${caseId}`)).json()).participants.find(
    (p) => p.name === "Jonas Berg",
  ).id;
  await page.goto(`${base}${casePath}/participants/${jonasId}`);
  await Promise.all([page.waitForNavigation(), page.click(`form[action$="/remove"] button[type=submit]`)]);
  check((await page.locator("h1").innerText()) === "Vil du fjerne Jonas Berg fra teamet?", "no confirmation before removing");
  await looked(page, "confirm-remove");
  await Promise.all([page.waitForURL(`${base}${casePath}`), page.click("form button[type=submit]:has-text('Ja, fjern')")]);
  const gone = await pro.goto(`${base}${documentPath}`);
  check([403, 404].includes(gone.status()), `the removed professional's next page answered ${gone.status()}`);
  console.log("the coordinator removed the professional after confirming; his next page is refused");
} catch (err) {
  console.log(`FAIL ${err.message}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
