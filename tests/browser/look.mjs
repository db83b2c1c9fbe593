// Looking at a page as the journeys do: axe-core finds no WCAG 2.1 A/AA violation on it as it is
// now, and a full-page screenshot is saved as SHOTS/NAME-DEVICE.png.
import { AxeBuilder } from "@axe-core/playwright";

const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

export function check(condition, message) {
  if (!condition) throw new Error(message);
}

// The `looked(page, name)` of a journey saving its screenshots in `shots` for `device`.
export function looker(shots, device) {
  return async function looked(page, name) {
    const results = await new AxeBuilder({ page }).withTags(TAGS).setLegacyMode(true).analyze();
    const found = results.violations.map((v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target).join(", ")}`);
    check(found.length === 0, `axe on ${name} (${page.url()}): ${found.join("; ")}`);
    await page.screenshot({ path: `${shots}/${name}-${device.name}.png`, fullPage: true });
  };
}
