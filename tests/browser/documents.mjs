// The document pages in a real browser, on a phone: a professional uploads a PDF through the case
// page's form, uploads version 2 through the document page's form, the young person downloads it
// with the "download the newest version" button (the browser saves it under its Danish name, byte
// for byte), and a form left open on version 2 while someone uploads version 3 gets the page that
// says so. Run by tests/api/browser_documents.rs against the app and case it prepares.
//
//   node documents.mjs BASE_URL CASE_ID WRITER READER
//
// WRITER and READER are development identities (login hints) on the case: one who may write,
// one who may only read. Prints a line per step; exits 1 at the first step that does not hold.
import { readFile } from "node:fs/promises";
import { PHONE, identities, launch, logIn } from "./session.mjs";

const [base, caseId, writerHint, readerHint] = process.argv.slice(2);
if (!base || !caseId || !writerHint || !readerHint) {
  console.error("usage: node documents.mjs BASE_URL CASE_ID WRITER READER");
  process.exit(2);
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

// A small PDF-looking file (header, filler, the closing %%EOF) whose bytes differ from version to version.
function pdf(version) {
  const filler = Buffer.alloc(70_000 + version * 1000);
  for (let i = 0; i < filler.length; i++) filler[i] = (i * 31 + version * 7) % 251;
  return Buffer.concat([Buffer.from(`%PDF-1.7\n% version ${version}\n`), filler, Buffer.from("\n%%EOF\n")]);
}

const FILE_NAME = "Mål og aftaler.pdf";
const browser = await launch();
try {
  const people = await identities(base);
  const writer = await browser.newContext(PHONE.options);
  const reader = await browser.newContext({ ...PHONE.options, acceptDownloads: true });
  await logIn(writer, base, people.get(writerHint));
  await logIn(reader, base, people.get(readerHint));

  // Version 1 through the case page's upload form.
  const page = await writer.newPage();
  await page.goto(`${base}/cases/${caseId}`);
  await page.fill("#doc-title", "Mål- og aftaleskema");
  await page.selectOption("#doc-kind", "goal_agreement");
  await page.setInputFiles("#doc-file", { name: FILE_NAME, mimeType: "application/pdf", buffer: pdf(1) });
  await page.fill("#doc-note", "Første udkast");
  await Promise.all([page.waitForURL(/\/documents\/[0-9a-f-]+$/), page.click("form[enctype] button[type=submit]")]);
  check((await page.textContent("h1")).includes("Mål- og aftaleskema"), "the document page names the document");
  const documentPath = new URL(page.url()).pathname;
  console.log(`uploaded version 1 through the case page: ${documentPath}`);

  // Version 2 through the document page's form, built on version 1.
  await page.setInputFiles("#version-file", { name: FILE_NAME, mimeType: "application/pdf", buffer: pdf(2) });
  await page.fill("#version-note", "Rettet efter mødet");
  await Promise.all([page.waitForURL(`${base}${documentPath}`), page.click("form[enctype] button[type=submit]")]);
  const rows = await page.locator("table tbody tr").count();
  check(rows === 2, `the document page lists 2 versions, not ${rows}`);
  console.log("uploaded version 2 through the document page");

  // The young person downloads the newest version with the button.
  const mine = await reader.newPage();
  await mine.goto(`${base}${documentPath}`);
  const [download] = await Promise.all([mine.waitForEvent("download"), mine.click("a.button[download]")]);
  const saved = await readFile(await download.path());
  check(download.suggestedFilename() === FILE_NAME, `saved as ${download.suggestedFilename()}, not ${FILE_NAME}`);
  check(saved.equals(pdf(2)), "the downloaded bytes are version 2's");
  console.log(`the reader downloaded version 2 byte for byte as "${download.suggestedFilename()}"`);

  // A form left open on version 2 while someone uploads version 3.
  const stale = await writer.newPage();
  await stale.goto(`${base}${documentPath}`);
  await page.reload();
  await page.setInputFiles("#version-file", { name: FILE_NAME, mimeType: "application/pdf", buffer: pdf(3) });
  await Promise.all([page.waitForURL(`${base}${documentPath}`), page.click("form[enctype] button[type=submit]")]);
  await stale.setInputFiles("#version-file", { name: FILE_NAME, mimeType: "application/pdf", buffer: pdf(4) });
  const [refused] = await Promise.all([stale.waitForNavigation(), stale.click("form[enctype] button[type=submit]")]);
  check(refused.status() === 412, `the stale form answered ${refused.status()}, not 412`);
  check((await stale.textContent("main")).includes("version 3"), "the refusal names the newer version");
  console.log("a form left open on version 2 got 412 naming version 3");
} catch (err) {
  console.log(`FAIL ${err.message}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
