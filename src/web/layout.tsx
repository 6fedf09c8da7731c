/**
 * The page every web route answers with: a document in English with the viewport set, a skip link, the landmarks
 * (banner with the navigation, main, contentinfo), the stylesheet and the scripts the page needs (external files
 * only: the pages run under CSP script-src 'self' with no inline script), and the flash or error message on top.
 */
import type { Child } from "hono/jsx";
import { html } from "hono/html";
import { ASSETS, type ScriptName } from "./assets";
import type { Viewer, WebContext } from "./viewer";

/** Everything a page loads comes from the Worker itself; forms post only here; nothing frames the app. */
export const WEB_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/**
 * The tab's icon, inline: without a `<link rel="icon">` every browser asks for /favicon.ico on every first visit, a
 * 404 in the console of each page. A data: URL costs no request (the CSP's img-src allows data:).
 */
const ICON = `data:image/svg+xml,${encodeURIComponent(
  "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'><ellipse cx='16' cy='16' rx='14' ry='9' transform='rotate(-35 16 16)' fill='#8a4b22'/><path d='M11 19l10-6' stroke='#fff' stroke-width='2'/></svg>",
)}`;

export interface LayoutProps {
  title: string;
  viewer: Viewer | null;
  /** A message from the redirect that led here (src/web/flash.ts). */
  flash?: string | null;
  /** What went wrong with the form just sent: the API error's message (and, when given, why the rule exists). */
  error?: { message: string; explanation?: Child } | null;
  scripts?: ScriptName[];
  children?: Child;
}

export function Layout(props: LayoutProps) {
  const { viewer } = props;
  const scripts: ScriptName[] = ["app", ...(props.scripts ?? []).filter((s) => s !== "app")];
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        {/* Over the header's no-referrer: under it a browser sends "Origin: null" with the page's form posts, whose
            origin the web routes check (src/web/viewer.ts). Other sites still get no referrer. */}
        <meta name="referrer" content="same-origin" />
        <title>{`${props.title} · First TD`}</title>
        <link rel="icon" href={ICON} />
        <link rel="stylesheet" href={ASSETS.styles.url} />
        {viewer ? <meta name="csrf-token" content={viewer.csrfToken} /> : null}
        {scripts.map((name) => (
          <script src={ASSETS[name].url} defer></script>
        ))}
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="site">
          <div class="bar">
            <a class="brand" href="/">
              First TD
            </a>
            <nav aria-label="Main">
              <ul>
                <li>
                  <a href="/">This week</a>
                </li>
                {viewer ? (
                  <li>
                    <a href="/me">My account</a>
                  </li>
                ) : null}
                {viewer?.isAdmin ? (
                  <li>
                    <a href="/status">Status</a>
                  </li>
                ) : null}
                <li>
                  {viewer ? (
                    <form class="inline" method="post" action="/sign-out">
                      <CsrfField viewer={viewer} />
                      <button type="submit" class="link">
                        Sign out
                      </button>
                    </form>
                  ) : (
                    <a href="/sign-in">Sign in</a>
                  )}
                </li>
              </ul>
            </nav>
          </div>
        </header>
        <main id="main" tabindex={-1}>
          {props.flash ? (
            <p class="flash" role="status">
              {props.flash}
            </p>
          ) : null}
          {props.error ? (
            <div class="error" role="alert" id="form-error">
              <p>
                <strong>{props.error.message}</strong>
              </p>
              {props.error.explanation ?? null}
            </div>
          ) : null}
          {props.children}
        </main>
        <footer>
          <p>
            Pick the player who scores an NFL game's first touchdown. Times are shown in your time zone (UTC without
            JavaScript). <a href="/docs">API</a>
          </p>
        </footer>
      </body>
    </html>
  );
}

/** The hidden `_csrf` field of a form sent with the session cookie. */
export function CsrfField(props: { viewer: Viewer | null }) {
  return props.viewer ? <input type="hidden" name="_csrf" value={props.viewer.csrfToken} /> : null;
}

type PageStatus = 200 | 201 | 400 | 401 | 403 | 404 | 409 | 410 | 413 | 422 | 429 | 500;

/** Answers the page: HTML under the web app's CSP, never cached unless said (pages are personal). */
export function sendPage(c: WebContext, page: Child, status: PageStatus = 200, cacheControl = "no-store") {
  c.header("cache-control", cacheControl);
  c.header("content-security-policy", WEB_CSP);
  return c.html(html`<!doctype html>${page}`, status);
}
