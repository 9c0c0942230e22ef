import { expect, test, type Browser } from "@playwright/test";
import { hikakuCli, signIn, uniqueEmail } from "./helpers";

const PASSWORD = "a-long-enough-password";

async function signUpWithLink(browser: Browser, link: string, email: string, name: string) {
  const context = await browser.newContext({ locale: "en-US" });
  const page = await context.newPage();
  await page.goto(link);
  await expect(page.getByRole("heading", { name: "Create your account" })).toBeVisible();
  await page.locator('input[name="email"]').fill(email);
  await page.locator('input[name="displayName"]').fill(name);
  await page.locator('input[name="password"]').fill(PASSWORD);
  await page.locator('input[name="passwordConfirm"]').fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  return { context, page };
}

test("an admin created with the CLI invites a researcher and an annotator, and each sees only their own area", async ({
  page,
  browser,
}) => {
  const adminEmail = uniqueEmail("admin");
  expect(hikakuCli(["create-admin", "--email", adminEmail, "--password", PASSWORD])).toContain(`Created admin ${adminEmail}`);

  await signIn(page, adminEmail, PASSWORD);
  await expect(page).toHaveURL(/\/admin\/users$/);
  await expect(page.getByTestId(`user-row-${adminEmail}`)).toBeVisible();

  let previousLink = "";
  async function invite(role: "RESEARCHER" | "ANNOTATOR"): Promise<string> {
    await page.locator('select[name="role"]').last().selectOption(role);
    await page.getByRole("button", { name: "Create invitation link" }).click();
    const link = page.getByTestId("invitation-link");
    await expect(link).toHaveValue(/\/invite\/[\w-]{40,}$/);
    await expect(link).not.toHaveValue(previousLink);
    previousLink = await link.inputValue();
    return previousLink;
  }
  const researcherLink = await invite("RESEARCHER");
  const annotatorLink = await invite("ANNOTATOR");

  const researcherEmail = uniqueEmail("researcher");
  const researcher = await signUpWithLink(browser, researcherLink, researcherEmail, "Rie Researcher");
  await expect(researcher.page).toHaveURL(/\/campaigns$/);
  await expect(researcher.page.getByRole("heading", { name: "Campaigns" })).toBeVisible();
  const adminAsResearcher = await researcher.page.goto("/admin/users");
  expect(adminAsResearcher?.status()).toBe(403);
  await expect(researcher.page.getByRole("heading", { name: "Not allowed" })).toBeVisible();
  // Signing out ends the session: the researcher area sends the visitor to sign-in again.
  await researcher.page.getByRole("button", { name: "Sign out" }).click();
  await expect(researcher.page).toHaveURL(/\/sign-in/);
  await researcher.page.goto("/campaigns");
  await expect(researcher.page).toHaveURL(/\/sign-in/);

  const annotatorEmail = uniqueEmail("annotator");
  const annotator = await signUpWithLink(browser, annotatorLink, annotatorEmail, "Aki Annotator");
  await expect(annotator.page).toHaveURL(/\/vote$/);
  await expect(annotator.page.getByRole("heading", { name: "Your campaigns" })).toBeVisible();
  for (const path of ["/campaigns", "/admin/users"]) {
    const response = await annotator.page.goto(path);
    expect(response?.status()).toBe(403);
    await expect(annotator.page.getByRole("heading", { name: "Not allowed" })).toBeVisible();
  }

  // A used link cannot create a second account.
  const reuse = await browser.newContext({ locale: "en-US" });
  const reusePage = await reuse.newPage();
  await reusePage.goto(annotatorLink);
  await expect(reusePage.locator("main [role=alert]")).toHaveText("This invitation has already been used.");
  await expect(reusePage.locator('input[name="password"]')).toHaveCount(0);

  // The admin sees both new accounts with their roles.
  await page.reload();
  await expect(page.getByTestId(`user-row-${researcherEmail}`).locator('select[name="role"]')).toHaveValue("RESEARCHER");
  await expect(page.getByTestId(`user-row-${annotatorEmail}`).locator('select[name="role"]')).toHaveValue("ANNOTATOR");
  await Promise.all([researcher.context.close(), annotator.context.close(), reuse.close()]);
});

test("a wrong password is refused with a message and a disabled user cannot sign in", async ({ page, browser }) => {
  const adminEmail = uniqueEmail("admin");
  hikakuCli(["create-admin", "--email", adminEmail, "--password", PASSWORD]);
  await page.goto("/sign-in");
  await page.locator('input[name="email"]').fill(adminEmail);
  await page.locator('input[name="password"]').fill("not-the-password");
  await page.locator('button[type="submit"]').click();
  await expect(page.locator("main [role=alert]")).toHaveText(/wrong|違います/);

  await signIn(page, adminEmail, PASSWORD);
  await page.locator('select[name="role"]').last().selectOption("ANNOTATOR");
  await page.getByRole("button", { name: /Create invitation link|招待リンクを作成/ }).click();
  const link = await page.getByTestId("invitation-link").inputValue();
  const annotatorEmail = uniqueEmail("disabled");
  const annotator = await signUpWithLink(browser, link, annotatorEmail, "Soon Disabled");
  await expect(annotator.page).toHaveURL(/\/vote$/);

  await page.reload();
  const row = page.getByTestId(`user-row-${annotatorEmail}`);
  await row.getByRole("button", { name: /Disable|無効にする/ }).click();
  // The display name says "Disabled" too, so wait on the status cell and the button that flips.
  await expect(row.locator("td").nth(2)).toHaveText(/^(Disabled|無効)$/);
  await expect(row.getByRole("button", { name: /^(Enable|有効にする)$/ })).toBeVisible();

  // The existing session stops working at once: the role is re-read from the database.
  await annotator.page.goto("/vote");
  await expect(annotator.page).toHaveURL(/\/sign-in/);
  await annotator.page.locator('input[name="email"]').fill(annotatorEmail);
  await annotator.page.locator('input[name="password"]').fill(PASSWORD);
  await annotator.page.locator('button[type="submit"]').click();
  await expect(annotator.page.locator("main [role=alert]")).toHaveText("This account has been disabled. Ask an admin.");
  await annotator.context.close();
});

test("the language follows the browser and can be switched", async ({ browser }) => {
  const japanese = await browser.newContext({ locale: "ja-JP" });
  const jaPage = await japanese.newPage();
  await jaPage.goto("/sign-in");
  await expect(jaPage.getByRole("heading", { name: "ログイン" })).toBeVisible();
  await expect(jaPage.locator("html")).toHaveAttribute("lang", "ja");

  const english = await browser.newContext({ locale: "en-US" });
  const page = await english.newPage();
  await page.goto("/sign-in");
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await page.getByLabel("Language").selectOption("ja");
  await expect(page.getByRole("heading", { name: "ログイン" })).toBeVisible();
  await expect(page.locator('button[type="submit"]')).toHaveText("ログイン");
  // The choice is remembered over the browser's preference.
  await page.reload();
  await expect(page.getByRole("heading", { name: "ログイン" })).toBeVisible();
  await page.getByLabel("言語").selectOption("en");
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await Promise.all([japanese.close(), english.close()]);
});

test("after sign-in a callback link never leads off the site, and an HTTPS request gets HSTS", async ({ page, request }) => {
  const email = uniqueEmail("redirect");
  hikakuCli(["user", "create", "--email", email, "--role", "ANNOTATOR", "--password", PASSWORD]);
  for (const callback of ["/\\evil.example", "/%09/evil.example", "//evil.example/x", "https://evil.example/"]) {
    await page.context().clearCookies();
    await page.goto(`/sign-in?callbackUrl=${encodeURIComponent(callback)}`);
    await page.locator('input[name="email"]').fill(email);
    await page.locator('input[name="password"]').fill(PASSWORD);
    await page.locator('button[type="submit"]').click();
    await expect(page).not.toHaveURL(/\/sign-in/);
    expect(new URL(page.url()).hostname, callback).toBe("127.0.0.1");
  }
  // A link to a page of the app is followed.
  await page.context().clearCookies();
  await page.goto(`/sign-in?callbackUrl=${encodeURIComponent("/vote")}`);
  await page.locator('input[name="email"]').fill(email);
  await page.locator('input[name="password"]').fill(PASSWORD);
  await page.locator('button[type="submit"]').click();
  await expect(page).toHaveURL(/\/vote$/);

  expect((await request.get("/sign-in", { headers: { "x-forwarded-proto": "https" } })).headers()["strict-transport-security"]).toMatch(
    /max-age=\d+/,
  );
  expect((await request.get("/sign-in")).headers()["strict-transport-security"]).toBeUndefined();
});
