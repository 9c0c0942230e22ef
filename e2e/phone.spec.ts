import { expect, test, type Page } from "@playwright/test";
import { expectAccessible, hikakuCli, signIn, uniqueEmail, uniqueSuffix } from "./helpers";

const PASSWORD = "phone-password-123";
const PHONE = { width: 390, height: 844 };

/** The page fits the phone's width: wide tables scroll inside their own region, never the whole page. */
async function expectNoSidewaysScroll(page: Page) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  expect(scrollWidth, page.url()).toBeLessThanOrEqual(innerWidth);
}

test("a researcher's and an admin's pages work on a phone in Japanese and English: live models, API tokens, users", async ({ browser }) => {
  const researcher = uniqueEmail("phone-researcher");
  const admin = uniqueEmail("phone-admin");
  const slug = `phone-${uniqueSuffix()}`;
  hikakuCli(["user", "create", "--email", researcher, "--role", "RESEARCHER", "--password", PASSWORD]);
  hikakuCli(["user", "create", "--email", admin, "--role", "ADMIN", "--password", PASSWORD]);
  hikakuCli(["campaign", "create", "--slug", slug, "--name", "電話 Phone", "--owner", researcher, "--live"]);
  hikakuCli(["model", "add", "--campaign", slug, "--name", "a-model-with-a-rather-long-name-on-a-gpu-box", "--worker"]);
  for (const locale of ["ja-JP", "en-US"]) {
    const context = await browser.newContext({ viewport: PHONE, locale });
    const page = await context.newPage();
    await signIn(page, researcher, PASSWORD);
    await page.goto(`/campaigns/${slug}`);
    await expect(page.getByTestId("live-models")).toBeVisible();
    await expectAccessible(page);
    await expectNoSidewaysScroll(page);
    await page.goto("/settings/tokens");
    await page.locator('input[name="name"]').fill(`phone ${locale}`);
    await page.locator('form:has(input[name="name"]) button[type="submit"]').click();
    await expect(page.getByTestId("new-token")).toBeVisible();
    // The usage example is wider than the screen: a region the keyboard can scroll.
    await expectAccessible(page);
    await expectNoSidewaysScroll(page);
    await context.close();

    const adminContext = await browser.newContext({ viewport: PHONE, locale });
    const adminPage = await adminContext.newPage();
    await signIn(adminPage, admin, PASSWORD);
    await adminPage.goto("/admin/users");
    await expect(adminPage.getByTestId(`user-row-${admin}`)).toBeVisible();
    await expectAccessible(adminPage);
    await expectNoSidewaysScroll(adminPage);
    await adminContext.close();
  }
});
