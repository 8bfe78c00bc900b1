// The console's page frame: navigation, the stylesheet and scripts from this package only (the
// Content-Security-Policy allows nothing else), and the CSRF token for the page's own scripts.
import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";

export type Html = HtmlEscapedString;

export const PAGES = [
  ["overview", "Overview"],
  ["keys", "Keys"],
  ["usage", "Usage"],
  ["models", "Models"],
  ["requests", "Requests"],
  ["playground", "Playground"],
] as const;

export type PageName = (typeof PAGES)[number][0];

export interface LayoutProps {
  title: string;
  page: PageName | "login";
  csrf?: string;
  /** Scripts beyond console.js, by asset name. */
  scripts?: string[];
  charts?: boolean;
  flash?: { kind: "ok" | "error"; text: string } | undefined;
}

export function layout(p: LayoutProps, body: Html | Html[]): Html {
  const nav =
    p.page === "login"
      ? ""
      : html`<nav aria-label="Console">
          <span class="brand">bedrock-gateway</span>
          <ul>
            ${PAGES.map(([name, label]) => html`<li><a href="/console/${name}" ${name === p.page ? html`aria-current="page"` : ""}>${label}</a></li>`)}
          </ul>
          <form method="post" action="/console/logout" class="logout">
            <input type="hidden" name="_csrf" value="${p.csrf ?? ""}" />
            <button type="submit">Log out</button>
          </form>
        </nav>`;
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        ${p.csrf ? html`<meta name="csrf-token" content="${p.csrf}" />` : ""}
        <title>${p.title} · bedrock-gateway console</title>
        <link rel="stylesheet" href="/console/assets/console.css" />
        <link rel="icon" href="data:," />
      </head>
      <body>
        <a class="skip" href="#main">Skip to content</a>
        <header>${nav}</header>
        <main id="main">
          <h1>${p.title}</h1>
          ${p.flash ? html`<p class="flash ${p.flash.kind}" role="${p.flash.kind === "error" ? "alert" : "status"}">${p.flash.text}</p>` : ""}
          ${body}
        </main>
        ${p.charts ? html`<script src="/console/assets/chart.umd.min.js" defer></script>` : ""}
        <script src="/console/assets/console.js" defer></script>
        ${(p.scripts ?? []).map((s) => html`<script src="/console/assets/${s}" defer></script>`)}
      </body>
    </html>` as Html;
}
