// Checks vejviser's pages for WCAG 2.1 A/AA problems in a real browser: Chromium through
// playwright-core, with the axe-core rules tagged wcag2a, wcag2aa, wcag21a and wcag21aa
// (@axe-core/playwright). Run by tests/api/accessibility.rs against the app it starts.
//
//   node axe.mjs BASE_URL [PAGES_JSON]      (PAGES_JSON, or the same JSON on stdin)
//
// PAGES_JSON: {"languages": ["da", "en"], "pages": [PAGE, ...]} or just [PAGE, ...], where
//   PAGE = {
//     "name":    "case page, young person",  what the report calls it
//     "path":    "/cases/…",                 where to go (relative to BASE_URL)
//     "as":      "young17",                   a development identity to log in as (omit: logged out)
//     "status":  200,                         the status the page must answer with (default 200)
//     "lands":   "/dev-idp/staff/authorize",  the path it must end on after redirects (default: path)
//     "actions": [{"fill": "#email", "value": "x@example.org"}, {"submit": "button[type=submit]"}]
//                                              done before the check; "submit" clicks and waits
//                                              for the page it leads to, "click" just clicks
//   }
//
// Logging in goes through the built-in development identity provider the way a person does it:
// /auth/login/{staff|citizen}, then a click on the identity on the picker page. Every page is
// checked in each language (chosen with the switch in the page header) on a desktop window
// (1280x800) and on a phone (390x844, touch, mobile viewport), where it must also reflow without
// sideways scrolling at 320 CSS pixels (WCAG 1.4.10). Prints every violation (rule, impact,
// elements, help) and exits 1 if there is any, or if a page does not answer as expected.
import { readFileSync } from "node:fs";
import { AxeBuilder } from "@axe-core/playwright";
import { DESKTOP, PHONE, identities as identitiesAt, launch, logIn as logInAt } from "./session.mjs";

const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const REFLOW_WIDTH = 320;
// Pages checked at once (each in its own browser context).
const PARALLEL = Math.max(1, Number(process.env.AXE_PARALLEL) || 2);

function usage(message) {
  console.error(`axe.mjs: ${message}`);
  console.error("usage: node axe.mjs BASE_URL [PAGES_JSON]   (or PAGES_JSON on stdin)");
  process.exit(2);
}

function readSpec() {
  const [base, json] = process.argv.slice(2);
  if (!base || !/^https?:\/\//.test(base)) usage("the first argument is the app's base URL");
  let text = json;
  if (text === undefined || text === "-") text = readFileSync(0, "utf8");
  let spec;
  try {
    spec = JSON.parse(text);
  } catch (err) {
    usage(`the page list is not JSON: ${err.message}`);
  }
  if (Array.isArray(spec)) spec = { pages: spec };
  const pages = spec.pages ?? [];
  if (!Array.isArray(pages) || pages.length === 0) usage("no pages to check");
  for (const page of pages) {
    if (typeof page.path !== "string" || !page.path.startsWith("/")) {
      usage(`every page needs a "path" starting with /: ${JSON.stringify(page)}`);
    }
    page.name ??= page.path;
  }
  return { base: base.replace(/\/$/, ""), languages: spec.languages ?? ["da", "en"], pages };
}

const { base, languages, pages } = readSpec();
const started = Date.now();
let failures = 0;

function fail(label, lines) {
  failures += 1;
  console.log(`FAIL ${label}`);
  for (const line of lines) console.log(`     ${line}`);
}

const identities = () => identitiesAt(base);
const logIn = (context, identity) => logInAt(context, base, identity);

// Chooses the language with the switch in the page header, as a person would.
async function chooseLanguage(context, lang) {
  const page = await context.newPage();
  try {
    await page.goto(`${base}/`);
    const current = () => page.evaluate(() => document.documentElement.lang);
    if ((await current()) !== lang) {
      await Promise.all([page.waitForNavigation(), page.locator(`header a[hreflang="${lang}"]`).click()]);
    }
    if ((await current()) !== lang) throw new Error(`the language switch did not change the page to "${lang}"`);
  } finally {
    await page.close();
  }
}

async function act(page, actions) {
  let response = null;
  for (const action of actions ?? []) {
    if (action.fill !== undefined) {
      await page.locator(action.fill).fill(String(action.value ?? ""));
    } else if (action.submit !== undefined) {
      [response] = await Promise.all([page.waitForNavigation(), page.locator(action.submit).click()]);
    } else if (action.click !== undefined) {
      await page.locator(action.click).click();
    } else {
      throw new Error(`unknown action ${JSON.stringify(action)}`);
    }
  }
  return response;
}

function describe(violation) {
  const lines = [`${violation.id} [${violation.impact}] ${violation.help} (${violation.helpUrl})`];
  for (const node of violation.nodes.slice(0, 8)) {
    const target = node.target.map((t) => (Array.isArray(t) ? t.join(" >> ") : t)).join(", ");
    lines.push(`  at ${target}`);
    const summary = (node.failureSummary ?? "").split("\n").slice(1, 3).join(" ").trim();
    if (summary) lines.push(`     ${summary}`);
  }
  if (violation.nodes.length > 8) lines.push(`  … and ${violation.nodes.length - 8} more elements`);
  return lines;
}

// Elements sticking out to the right of a narrow window (not clipped by a scrolling box such as
// a table's): the page scrolls sideways.
async function reflow(page) {
  await page.setViewportSize({ width: REFLOW_WIDTH, height: 640 });
  const overflow = await page.evaluate(() => {
    const root = document.documentElement;
    const width = root.clientWidth;
    const excess = root.scrollWidth - width;
    if (excess <= 1) return null;
    const clips = (el) => getComputedStyle(el).overflowX !== "visible";
    // Clipped by a scrolling ancestor? An absolutely positioned element escapes every ancestor
    // below its containing block (a table cell's .sr-only text escapes the table's scroll box).
    const clipped = (el) => {
      let block = getComputedStyle(el).position === "absolute" ? el.offsetParent : null;
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
        if (block) {
          if (a === block) block = null;
          else continue;
        }
        if (clips(a)) return true;
      }
      return false;
    };
    const sticksOut = (el) => el.getBoundingClientRect().right > width + 1 && !clipped(el);
    const wide = [];
    for (const el of document.body.querySelectorAll("*")) {
      if (sticksOut(el) && ![...el.children].some(sticksOut)) {
        const id = el.id ? `#${el.id}` : "";
        const cls = el.classList.length ? `.${[...el.classList].join(".")}` : "";
        const parent = el.parentElement ? `${el.parentElement.tagName.toLowerCase()} > ` : "";
        wide.push(`${parent}${el.tagName.toLowerCase()}${id}${cls} (right edge ${Math.round(el.getBoundingClientRect().right)}px)`);
      }
    }
    return { excess, wide: wide.slice(0, 8) };
  });
  return overflow;
}

// One page, one language, one device: the problems found (none: it passes) and the axe-core
// results needing a person's review.
async function check(browser, task) {
  const { spec, lang, device, storageState } = task;
  const context = await browser.newContext({ ...device.options, storageState });
  const problems = [];
  let review = [];
  try {
    const page = await context.newPage();
    let response = await page.goto(`${base}${spec.path}`);
    response = (await act(page, spec.actions)) ?? response;
    const status = response?.status();
    const want = spec.status ?? 200;
    if (status !== want) {
      const body = (await response?.text().catch(() => "")) ?? "";
      problems.push(`answered ${status}, expected ${want}: ${body.replace(/\s+/g, " ").slice(0, 240)}`);
    }
    const landed = new URL(page.url()).pathname;
    const lands = spec.lands ?? spec.path.split("?")[0];
    if (landed !== lands) problems.push(`ended on ${landed}, expected ${lands} (not logged in?)`);
    // Not the page meant: checking it would only add noise.
    if (problems.length) return { problems, review };
    // Laid out in its own font, as people see it (the fonts change what overflows).
    const htmlLang = await page.evaluate(async () => {
      await document.fonts.ready;
      return document.documentElement.lang;
    });
    if (htmlLang !== lang) problems.push(`<html lang="${htmlLang}">, expected "${lang}"`);
    // Legacy mode runs axe in the page itself (no extra page per check, 2-3 times faster); it
    // only loses cross-origin frames, which these pages do not have.
    const results = await new AxeBuilder({ page }).withTags(TAGS).setLegacyMode(true).analyze();
    for (const violation of results.violations) problems.push(...describe(violation));
    review = results.incomplete.map((r) => `${r.id} (${r.nodes.length})`);
    if (device === PHONE) {
      const overflow = await reflow(page);
      if (overflow) {
        problems.push(
          `reflow [serious] the page scrolls sideways by ${overflow.excess}px at ${REFLOW_WIDTH} CSS px wide (WCAG 1.4.10)`,
          ...overflow.wide.map((w) => `  at ${w}`),
        );
      }
    }
  } catch (err) {
    problems.push(String(err?.message ?? err).split("\n")[0]);
  } finally {
    await context.close();
  }
  return { problems, review };
}

function report(task, { problems, review }) {
  const label = `${task.spec.name} [${task.lang}, ${task.device.name}] ${task.spec.path}`;
  if (problems.length) {
    fail(label, problems);
  } else {
    console.log(`ok   ${label}${review.length ? `   for review by hand: ${review.join(", ")}` : ""}`);
  }
}

// Logs in once per identity (null: a visitor) and keeps its cookies in each language; every
// check then starts from those cookies in a browser context of its own, so that what one page's
// actions do (a password login, say) does not reach the next.
async function sessions(browser, known) {
  const tasks = [];
  const who = [...new Set(pages.map((p) => p.as ?? null))];
  for (const hint of who) {
    const group = pages.filter((p) => (p.as ?? null) === hint);
    const context = await browser.newContext(DESKTOP.options);
    try {
      if (hint !== null) {
        const identity = known.get(hint);
        if (!identity) throw new Error(`"${hint}" is not a development identity`);
        await logIn(context, identity);
      }
      for (const lang of languages) {
        await chooseLanguage(context, lang);
        const storageState = await context.storageState();
        for (const device of [DESKTOP, PHONE]) {
          for (const spec of group) tasks.push({ spec, lang, device, storageState });
        }
      }
    } catch (err) {
      fail(`log-in as ${hint}`, [String(err?.message ?? err).split("\n")[0]]);
    } finally {
      await context.close();
    }
  }
  return tasks;
}

const browser = await launch();
let checks = 0;
try {
  const tasks = await sessions(browser, await identities());
  checks = tasks.length;
  const queue = [...tasks];
  const worker = async () => {
    for (let task = queue.shift(); task; task = queue.shift()) report(task, await check(browser, task));
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
} catch (err) {
  fail("the browser check", [String(err?.message ?? err).split("\n")[0]]);
} finally {
  await browser.close();
}

const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(
  `axe: ${checks} checks (${pages.length} pages × ${languages.join(", ")} × desktop, phone) in ${seconds}s: ` +
    (failures ? `${failures} failed` : "no violations"),
);
process.exit(failures ? 1 : 0);
