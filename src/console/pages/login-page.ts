// Login with the admin key (ADMIN_API_KEY). The key is posted once and never rendered back.
import { html } from "hono/html";
import type { Html } from "./layout.ts";

export function loginPage(next: string): Html {
  return html` <form method="post" action="/console/login" class="stack narrow" aria-label="Log in">
    <input type="hidden" name="next" value="${next}" />
    <label for="admin-key">Admin key</label>
    <input id="admin-key" name="admin_key" type="password" autocomplete="current-password" required autofocus />
    <button type="submit">Log in</button>
    <p class="muted">
      The gateway's ADMIN_API_KEY. The session lasts until you log out or it expires, and ends for everyone when the admin key changes.
    </p>
  </form>` as Html;
}
